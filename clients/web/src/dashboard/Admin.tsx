import { Circuits } from './Circuits';
import { CleanupRuns } from './CleanupRuns';

/** For admins: the market collector's circuits and the cleanup worker's runs. */
export function Admin() {
  return (
    <div className="admin">
      <Circuits />
      <CleanupRuns />
    </div>
  );
}
