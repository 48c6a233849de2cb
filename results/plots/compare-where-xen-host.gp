set terminal svg size 2400,700 dynamic background '#ffffff' font 'sans,12'
set output 'compare-where-xen-host.svg'
set title "xen: where the time goes, the VMM's processes as the host saw them\n(host CPU can pass 100%: the VMM has several threads)" font ',13'
set style data histograms
set style histogram rowstacked
set style fill solid 0.9 border -1
set boxwidth 0.75
set key above horizontal
set ylabel '% of the row''s wall time'
set yrange [0:160]
set grid ytics
set xtics rotate by -45 scale 0 font ',11'
set bmargin 9
plot 'compare-where-xen-host.dat' using 2:xtic(1) title 'host user CPU' lc rgb '#1f77b4', \
     '' using 3 title 'host system CPU' lc rgb '#d62728', \
     '' using 4 title 'host CPU, split unseen (row under a clock tick)' lc rgb '#9edae5', \
     '' using 5 title 'rest (VMM off CPU)' lc rgb '#c7c7c7'
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {
  set terminal pngcairo size 2400,700 background '#ffffff' font 'sans,12'
} else {
  set terminal png size 2400,700
}
set output 'compare-where-xen-host.png'
replot
set output
