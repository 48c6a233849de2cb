# SPDX-License-Identifier: GPL-2.0
# Runs of samples above 2x the row median in vmprobe result files: python3 bursts.py FILE...
import json,statistics as st,sys
for path in sys.argv[1:]:
    r=json.load(open(path)); hz=r['clock']['tsc_hz']
    out=[]
    for b in r['benchmarks']:
        v=[t/hz*1e9 for t in b['samples_ticks']]
        med=st.median(v); hi=[x>2*med for x in v]
        runs=[];i=0
        while i<len(v):
            if hi[i]:
                j=i
                while j<len(v) and hi[j]: j+=1
                runs.append(j-i); i=j
            else: i+=1
        out.append(f"{b['name']}: med {med/1000:.1f} us, >2x {sum(hi)}/{len(v)} in {len(runs)} runs (longest {max(runs,default=0)}, >=3: {sum(1 for x in runs if x>=3)})")
    print(path.split('/')[2], '; '.join(out))
