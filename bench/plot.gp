# gnuplot -e "data='...dat'; zipf='...dat'; out='...png'; conns='64 256'" bench/plot.gp
# zipf='' leaves out the hit-ratio panel; conns names the connection counts of the data's two
# columns (a second one left empty is left out of the key).
if (!exists("conns")) conns = "64 256"
t1 = word(conns, 1)." connections"
t2 = words(conns) > 1 ? word(conns, 2)." connections" : ""
set terminal pngcairo size 1900,460 font "sans,10"
set output out
set multiplot layout 1,(strlen(zipf) > 0 ? 4 : 3)
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 scale 0
set grid ytics
set key top right

set title "Throughput (median requests/s)"
set yrange [0:*]
plot data using 2:xtic(1) title t1, '' using 3 title t2

set title "p99 latency (median, ms)"
set yrange [*:*]
set logscale y
plot data using 4:xtic(1) title t1, '' using 5 title t2

set title "p99.9 latency (median, ms)"
plot data using 6:xtic(1) title t1, '' using 7 title t2
unset logscale y

if (strlen(zipf) > 0) {
  set title "(c) Zipf, cold cache: hit ratio per second"
  set style data linespoints
  set xtics norotate
  set yrange [0:1]
  set xlabel "second"
  plot zipf using 1:2 title "hit ratio" lw 2
}
unset multiplot
