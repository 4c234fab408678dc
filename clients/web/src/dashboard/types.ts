/** The fields of the supergraph the dashboard reads, as it selects them. */
export interface SensorInfo {
  id: string;
  code: string;
  kind: string;
  unit: string;
  normalMin: number | null;
  normalMax: number | null;
}

export interface Point {
  at: string;
  value: number;
}

export interface SeriesPoint {
  start: string;
  count: number;
  avg: number;
  min: number;
  max: number;
}

export interface SensorAlertEvent {
  sensorId: string;
  siteId: string;
  at: string;
  value: number;
  kind: 'HIGH' | 'LOW';
  normalMin: number | null;
  normalMax: number | null;
  sensor: { code: string; unit: string } | null;
}
