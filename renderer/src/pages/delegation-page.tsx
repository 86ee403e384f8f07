// Delegation settings: how the engine chooses who gets each task. Everyone signed in reads them;
// engineers and administrators change the default weights, a task type's own weights, the
// exploration rate, the site time zone, the offer time for people and the zone distances. Follows
// `delegation.settingsChanged`, so a change made in another session shows at once.
import type { UserDto } from '../../../preload/contract';
import { LoadState, PageHeader } from '../components/page-header';
import { ROLE_LABELS } from '../lib/format';
import { can } from '../lib/permissions';
import { useCall } from '../query/call-hooks';
import { DefaultWeightsCard } from './delegation/default-weights-card';
import { TimingCard } from './delegation/timing-card';
import { TypeWeightsCard } from './delegation/type-weights-card';
import { ZoneDistancesCard } from './delegation/zone-distances-card';

export function DelegationPage({ me }: { me: UserDto }) {
  const settings = useCall('delegation.getSettings', {});
  const canEdit = can(me.role, 'delegation.setWeights') && can(me.role, 'delegation.updateSettings');
  return (
    <div className="page delegation-page">
      <PageHeader
        title="Delegation"
        description="How the engine chooses the robot, software agent or person for each task: what counts and how much, how often it tries an agent it knows less about, the clock it plans by and how far apart the zones are. Changes apply from the next decision on."
      />
      {!canEdit && (
        <p className="notice notice--info" role="note">
          You are signed in as {ROLE_LABELS[me.role].toLowerCase()}: you can read these settings, but only an engineer or an administrator can
          change them.
        </p>
      )}
      <LoadState loading={settings.isPending} error={settings.error}>
        {settings.data && (
          <div className="delegation-grid">
            <DefaultWeightsCard settings={settings.data} canEdit={canEdit} />
            <TypeWeightsCard settings={settings.data} canEdit={canEdit} />
            <TimingCard settings={settings.data} canEdit={canEdit} />
            <ZoneDistancesCard settings={settings.data} canEdit={canEdit} />
          </div>
        )}
      </LoadState>
    </div>
  );
}
