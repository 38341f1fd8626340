import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** A time series chart (uPlot): x in seconds since the epoch, one line per series. */
export function Chart({
  title,
  x,
  series,
  from,
  to,
}: {
  title: string;
  /** The window shown, in seconds, whatever the readings cover. */
  from: number;
  to: number;
  x: number[];
  series: { label: string; values: (number | null)[]; color: string }[];
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const width = Math.max(260, Math.min(element.clientWidth || 600, 900));
    const plot = new uPlot(
      {
        title,
        width,
        height: 180,
        scales: { x: { time: true, range: [from, to] } },
        series: [
          {},
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: true })),
        ],
        axes: [{}, { size: 50 }],
      },
      [x, ...series.map((s) => s.values)],
      element,
    );
    return () => plot.destroy();
  }, [title, x, series, from, to]);
  return <div className="chart" ref={box} role="img" aria-label={title} />;
}
