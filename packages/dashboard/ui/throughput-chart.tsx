import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** Finished tasks per slice, as `api/overview` sends them. */
export interface ThroughputData {
  start: number;
  step: number;
  succeeded: number[];
  failed: number[];
}

/** The live throughput chart (uPlot): tasks succeeded and failed per slice of the last minutes. */
export function ThroughputChart({ data }: { data: ThroughputData }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const series = (): uPlot.AlignedData => [data.succeeded.map((_, i) => data.start + i * data.step), data.succeeded, data.failed];

  useEffect(() => {
    if (!box.current) return;
    chart.current = new uPlot(
      {
        width: Math.max(320, box.current.clientWidth),
        height: 220,
        series: [
          {},
          { label: 'succeeded', stroke: '#2e7d32', fill: 'rgba(46,125,50,0.15)' },
          { label: 'failed', stroke: '#c62828', fill: 'rgba(198,40,40,0.15)' },
        ],
        axes: [{}, { label: `tasks / ${data.step} s` }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      },
      series(),
      box.current,
    );
    return () => chart.current?.destroy();
  }, []);

  useEffect(() => chart.current?.setData(series()), [data]);

  return <div ref={box} class="chart" data-testid="throughput-chart" />;
}
