# The cold start curve: hits/s and p99 in each 1 s slice after readiness, one line per
# repeat (each point at the middle of its slice), with the steady state (same instance, after a
# long warm-up) as a dashed reference, 80 % of it and a p99 of 50 ms dotted.
# gnuplot -e "data='...-coldstart.dat'; out='...png'; steady_rps=N; steady_p99=N; steady_hit=N" bench/coldstart.gp
set terminal pngcairo size 1200,800 font "sans,10"
set output out
stats data using 1 nooutput
repeats = STATS_blocks
set multiplot layout 2,1
set grid
set key bottom right
set xlabel "seconds since readiness UP"

set title "Hits/s per 1 s slice after a cold start (one hot product, 64 connections)"
set yrange [0:*]
plot for [i=0:repeats-1] data index i using ($2 + 0.5):4 with linespoints lw 2 title sprintf("start %d", i + 1), \
     steady_rps * steady_hit with lines dt 2 lw 2 lc rgb "black" title "steady state", \
     0.8 * steady_rps * steady_hit with lines dt 3 lw 1 lc rgb "gray40" title "80 % of steady"

set title "p99 latency per 1 s slice (ms)"
set logscale y
set yrange [*:*]
set key top right
plot for [i=0:repeats-1] data index i using ($2 + 0.5):5 with linespoints lw 2 title sprintf("start %d", i + 1), \
     steady_p99 with lines dt 2 lw 2 lc rgb "black" title "steady state", \
     50 with lines dt 3 lw 1 lc rgb "gray40" title "50 ms"
unset multiplot
