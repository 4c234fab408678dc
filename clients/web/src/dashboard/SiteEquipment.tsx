import { ErrorNote } from './ErrorNote';
import { useQuery } from './hooks';
import type { SensorInfo } from './types';

const EQUIPMENT = `query DashboardEquipment($id: ID!) {
  site(id: $id) {
    equipment(first: 50) {
      nodes { id code name location active sensors(first: 50) { nodes { id code kind unit normalMin normalMax } } }
    }
  }
}`;

interface Equipment {
  id: string;
  code: string;
  name: string;
  location: string | null;
  active: boolean;
  sensors: { nodes: SensorInfo[] };
}

/** One site's equipment, each with its sensors. */
export function SiteEquipment({
  siteId,
  sensorId,
  onSensor,
}: {
  siteId: string;
  sensorId?: string;
  onSensor: (sensor: SensorInfo) => void;
}) {
  const { data, error } = useQuery<{ site: { equipment: { nodes: Equipment[] } } | null }>(EQUIPMENT, { id: siteId });
  const equipment = data?.site?.equipment.nodes ?? [];
  return (
    <>
      <ErrorNote error={error} />
      {data && !equipment.length && <p className="hint">No equipment.</p>}
      <ul>
        {equipment.map((item) => (
          <li key={item.id}>
            <span className={item.active ? '' : 'inactive'} title={item.location ?? undefined}>
              {item.code}{' '}
              <small>
                {item.name}
                {item.active ? '' : ' · inactive'}
              </small>
            </span>
            <ul>
              {item.sensors.nodes.map((sensor) => (
                <li key={sensor.id}>
                  <button
                    type="button"
                    className="link"
                    aria-pressed={sensor.id === sensorId}
                    onClick={() => onSensor(sensor)}
                  >
                    {sensor.code}{' '}
                    <small>
                      {sensor.kind} · {sensor.unit}
                    </small>
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </>
  );
}
