import { ErrorNote } from './ErrorNote';
import { useQuery } from './hooks';
import { SiteEquipment } from './SiteEquipment';
import type { SensorInfo } from './types';

const SITES = `query DashboardSites { sites(first: 100) { nodes { id code name kind } } }`;

interface Site {
  id: string;
  code: string;
  name: string;
  kind: string;
}

export function SiteTree({
  siteId,
  sensorId,
  onSite,
  onSensor,
}: {
  siteId?: string;
  sensorId?: string;
  onSite: (id: string | undefined) => void;
  onSensor: (sensor: SensorInfo) => void;
}) {
  const { data, error } = useQuery<{ sites: { nodes: Site[] } }>(SITES);
  const sites = data?.sites.nodes ?? [];
  return (
    <nav className="tree" aria-label="Sites">
      <h2>Sites</h2>
      <ErrorNote error={error} />
      {data && !sites.length && (
        <p className="hint">No sites yet (an admin creates them; npm run seed -- --demo makes one).</p>
      )}
      <ul>
        {sites.map((site) => (
          <li key={site.id}>
            <button
              type="button"
              className="link"
              aria-expanded={site.id === siteId}
              onClick={() => onSite(site.id === siteId ? undefined : site.id)}
            >
              {site.code}{' '}
              <small>
                {site.name} · {site.kind.toLowerCase()}
              </small>
            </button>
            {site.id === siteId && <SiteEquipment siteId={site.id} sensorId={sensorId} onSensor={onSensor} />}
          </li>
        ))}
      </ul>
    </nav>
  );
}
