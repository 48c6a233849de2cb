set terminal svg size 2400,700 dynamic background '#ffffff' font 'sans,12'
set output 'compare-where-kvm-nested-exits.svg'
set title "kvm-nested: where the time goes, exit time by reason (measured by the KVM host)\n(where the KVM host is nested in TCG, every time is inflated by the emulation)" font ',13'
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border -1
set boxwidth 0.75
set key above horizontal
set ylabel '% of the row''s wall time'
set yrange [0:110]
set grid ytics
set xtics rotate by -45 scale 0 font ',11'
set bmargin 9
plot 'compare-where-kvm-nested-exits.dat' using 2:xtic(1) title 'not in an exit (guest mode, world switch)' lc rgb '#2ca02c', \
     '' using 3 title 'exit: hlt' lc rgb '#d62728', \
     '' using 4 title 'exit: msr' lc rgb '#ff7f0e', \
     '' using 5 title 'exit: io' lc rgb '#9467bd', \
     '' using 6 title 'exit: interrupt' lc rgb '#8c564b', \
     '' using 7 title 'exit: cpuid' lc rgb '#e377c2', \
     '' using 8 title 'other exits' lc rgb '#7f7f7f'
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
  set terminal pngcairo size 2400,700 background '#ffffff' font 'sans,12'
} else {
  set terminal png size 2400,700
}
set output 'compare-where-kvm-nested-exits.png'
replot
set output
