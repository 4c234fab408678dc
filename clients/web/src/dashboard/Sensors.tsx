import { useState } from 'react';
import { SensorAlerts } from './SensorAlerts';
import { SensorView } from './SensorView';
import { SiteTree } from './SiteTree';
import type { SensorInfo } from './types';

/** Sites → equipment → sensors on the left, the chosen sensor live in the middle, alerts as they come. */
export function Sensors() {
  const [siteId, setSiteId] = useState<string>();
  const [sensor, setSensor] = useState<SensorInfo>();
  return (
    <div className="sensors">
      <SiteTree
        siteId={siteId}
        sensorId={sensor?.id}
        onSite={(id) => {
          setSiteId(id);
          setSensor(undefined);
        }}
        onSensor={setSensor}
      />
      <section className="sensor">
        {sensor ? <SensorView key={sensor.id} sensor={sensor} /> : <p className="hint">Choose a sensor.</p>}
      </section>
      <SensorAlerts key={siteId ?? 'all'} siteId={siteId} />
    </div>
  );
}
