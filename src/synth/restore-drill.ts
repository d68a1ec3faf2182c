// The restore drill (seed 001: backups are only real once restored). For every VolSync
// ReplicationDestination the catalog wrote, `task volsync:drill` restores the latest backup into a
// scratch PVC beside the app, lists what came back, and deletes the scratch copy: the app's own
// volume is never touched. Found from the objects synth wrote, so any module's backups qualify.
import type { K8sObject } from '../k8s/object.js';
import type { FleetPlan } from './plan.js';

/** `<namespace>/<app>` per cluster, for every ReplicationDestination named `<app>-dst`. */
export function restoreTargets(plan: FleetPlan): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const cp of plan.clusters) {
    const apps = cp.units
      .flatMap((u) => u.unit.files.flatMap((f) => f.objects))
      .filter((o: K8sObject) => o.kind === 'ReplicationDestination' && o.metadata.name.endsWith('-dst'))
      .map((o) => `${o.metadata.namespace}/${o.metadata.name.slice(0, -'-dst'.length)}`)
      .sort();
    if (apps.length) out.set(cp.cluster.name, apps);
  }
  return out;
}

/**
 * The drill as one shell script: trigger the ReplicationDestination by hand, wait for its sync,
 * populate a PVC from it, list the files in a restricted-PSA Job, and clean up whatever happens.
 */
export function drillScript(kubeconfig: string): string {
  return `set -eu
ns="\${APP%%/*}"; app="\${APP#*/}"
k() { kubectl --kubeconfig "${kubeconfig}" -n "$ns" "$@"; }
k get replicationdestination "$app-dst" >/dev/null
id="drill-$(date +%s)"
trap 'k delete job/"$app-drill" pvc/"$app-drill" --ignore-not-found --wait=false' EXIT
k patch replicationdestination "$app-dst" --type merge -p "{\\"spec\\":{\\"trigger\\":{\\"manual\\":\\"$id\\"}}}"
echo "restoring the latest backup of $ns/$app ($id)"
k wait replicationdestination "$app-dst" --for=jsonpath='{.status.lastManualSync}'="$id" --timeout=60m
capacity=$(k get replicationdestination "$app-dst" -o jsonpath='{.spec.restic.capacity}')
class=$(k get replicationdestination "$app-dst" -o jsonpath='{.spec.restic.storageClassName}')
user=$(k get replicationdestination "$app-dst" -o jsonpath='{.spec.restic.moverSecurityContext.runAsUser}')
k apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: $app-drill }
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: $class
  resources: { requests: { storage: $capacity } }
  dataSourceRef: { apiGroup: volsync.backube, kind: ReplicationDestination, name: $app-dst }
---
apiVersion: batch/v1
kind: Job
metadata: { name: $app-drill }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      securityContext: { runAsNonRoot: true, runAsUser: \${user:-1000}, runAsGroup: \${user:-1000}, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: list
          image: docker.io/library/busybox:1.37.0
          command: [sh, -c, 'du -sh /restore && find /restore -maxdepth 2 | head -50']
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 64Mi } }
          volumeMounts: [{ name: restore, mountPath: /restore, readOnly: true }]
      volumes: [{ name: restore, persistentVolumeClaim: { claimName: $app-drill, readOnly: true } }]
EOF
k wait job "$app-drill" --for=condition=complete --timeout=30m
k logs job/"$app-drill"
echo "restore drill of $ns/$app passed: the backup restores and reads"
`;
}
