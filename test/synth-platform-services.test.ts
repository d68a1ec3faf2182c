// What the seeds ask of the platform beyond booting, judged on the synthesized reference fleet by
// how its pieces fit each other (not by their text): alert rules select jobs that some scrape
// defines and reach the chat endpoint Flux uses; the Keycloak realm's clients are the apps' own;
// internal DNS answers with the internal Gateway's address and every cluster forwards to it;
// the database's read-write Service is shared over ClusterMesh, with a policy that admits the peer.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadFleetConfig } from '../src/model/load.js';
import type { FleetConfig } from '../src/model/types.js';
import { synthesize } from '../src/synth/index.js';
import { referenceConfigFile } from './helpers.js';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any; data?: any };

/** Every object synth writes for a cluster (its kubernetes/<cluster>/ tree). */
function objectsOf(fleet: FleetConfig, cluster: string): Obj[] {
  const tree = synthesize(fleet).tree;
  return tree.paths()
    .filter((p) => p.startsWith(`kubernetes/${cluster}/`) && p.endsWith('.yaml'))
    .flatMap((p) => parseAllDocuments(tree.get(p)!).map((d) => d.toJS() as Obj).filter((o) => o?.kind));
}

const find = (objs: Obj[], kind: string, name?: string) => objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = (objs: Obj[], kind: string, name: string) => {
  const found = find(objs, kind, name);
  assert.equal(found.length, 1, `one ${kind} ${name}`);
  return found[0];
};
const release = (objs: Obj[], name: string) => one(objs, 'HelmRelease', name).spec.values;

let fleet: FleetConfig;
let infra: Obj[];
let apps: Obj[];
before(async () => {
  fleet = await loadFleetConfig(referenceConfigFile);
  infra = objectsOf(fleet, 'infra');
  apps = objectsOf(fleet, 'apps');
});

describe('alerting on the reference fleet', () => {
  it('scrapes the kubelet, cAdvisor, the API server and Cilium on every cluster', () => {
    for (const objs of [infra, apps]) {
      const jobs = new Set(['VMNodeScrape', 'VMServiceScrape', 'VMPodScrape'].flatMap((k) => find(objs, k)).map((o) => o.metadata.name));
      for (const job of ['kubelet', 'cadvisor', 'apiserver', 'cilium-agent', 'cilium-operator', 'node-exporter', 'kube-state-metrics']) assert.ok(jobs.has(job), job);
      assert.equal(release(objs, 'cilium').prometheus.enabled, true, 'Cilium serves the metrics its scrapes read');
    }
  });

  it('evaluates rules only on the global cluster, and every job a rule names is a scrape of the fleet', () => {
    assert.equal(find(apps, 'VMRule').length, 0);
    const rules = find(infra, 'VMRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules));
    assert.ok(rules.length >= 10, `${rules.length} rules`);
    const scraped = new Set([...infra, ...apps].filter((o) => /^VM(Node|Service|Pod)Scrape$/.test(o.kind)).map((o) => o.metadata.name));
    for (const rule of rules) {
      assert.ok(rule.alert && rule.expr && rule.labels?.severity && rule.annotations?.summary, JSON.stringify(rule));
      for (const [, job] of String(rule.expr).matchAll(/job="([^"]+)"/g)) assert.ok(scraped.has(job), `${rule.alert} selects job ${job}, which no scrape defines`);
    }
    const kinds = new Set(find(infra, 'VMRule').map((r) => r.metadata.name));
    for (const k of ['nodes', 'kubernetes', 'ceph', 'cilium']) assert.ok(kinds.has(k), k);
  });

  it('sends alerts to the endpoint the Flux notification Provider uses, from the same 1Password item', () => {
    const config = one(infra, 'VMAlertmanagerConfig', 'fleet-notifications');
    const receiver = config.spec.receivers.find((r: any) => r.name === config.spec.route.receiver);
    assert.ok(receiver.discord_configs, 'fleet.notifications.type discord → discord_configs');
    const ref = receiver.discord_configs[0].webhook_url_secret;
    const secret = one(infra, 'ExternalSecret', ref.name);
    const key = secret.spec.data.find((d: any) => d.secretKey === ref.key).remoteRef;
    const fluxSecret = one(infra, 'ExternalSecret', 'fleet-notifications');
    assert.deepEqual(key, fluxSecret.spec.data[0].remoteRef);
    assert.equal(key.key, fleet.notifications!.webhookItem);
    assert.equal(one(infra, 'VMAlertmanager', 'alertmanager').spec.disableNamespaceMatcher, true, 'alerts of every namespace reach the route');
  });

  it('refuses a notification type Alertmanager cannot post to, naming the module and the way out', () => {
    const odd = { ...fleet, notifications: { ...fleet.notifications!, type: 'googlechat' } };
    assert.throws(() => synthesize(odd), (err: Error) => /^clusters\[0\]\.modules\[\d+\]: victoria-metrics: Alertmanager cannot post to a "googlechat"/.test(err.message) && /alertReceiver: false/.test(err.message));
  });

  it('has dashboards for Kubernetes, Ceph and Cilium', () => {
    const grafana = release(infra, 'grafana');
    assert.deepEqual(Object.keys(grafana.dashboards).sort(), ['ceph', 'kubernetes']);
    for (const provider of grafana.dashboardProviders['dashboardproviders.yaml'].providers) assert.ok(grafana.dashboards[provider.name], provider.name);
    assert.equal(release(infra, 'cilium').dashboards.enabled, true);
    assert.deepEqual(grafana.sidecar.dashboards.searchNamespace, ['kube-system'], 'the sidecar reads the ConfigMaps Cilium writes');
    assert.equal(release(apps, 'cilium').dashboards.enabled, false, 'no Grafana on apps, no dashboards there');
  });
});

describe('the Keycloak realm as code', () => {
  it('imports a realm whose Grafana client is the one Grafana signs in with', () => {
    const kc = release(infra, 'keycloak');
    assert.ok(kc.command.includes('--import-realm'));
    const [realmMap] = find(infra, 'ConfigMap').filter((c) => c.metadata.namespace === 'keycloak');
    assert.ok(kc.extraVolumes.includes(realmMap.metadata.name), 'the realm ConfigMap is mounted');
    const realm = JSON.parse(Object.values(realmMap.data)[0] as string);
    const grafanaIni = release(infra, 'grafana')['grafana.ini']['auth.generic_oauth'];
    assert.ok(grafanaIni.auth_url.includes(`/realms/${realm.realm}/`), 'Grafana points at the imported realm');
    const client = realm.clients.find((c: any) => c.clientId === grafanaIni.client_id);
    const route = one(infra, 'HTTPRoute', 'grafana');
    assert.deepEqual(client.redirectUris, [`https://${route.spec.hostnames[0]}/login/generic_oauth`]);
    assert.ok(client.protocolMappers.some((m: any) => m.config['claim.name'] === 'roles'), 'roles claim for role_attribute_path');
    // the secret: a placeholder for an environment variable that the ExternalSecret fills from Grafana's own item
    const variable = /^\$\{(\w+)\}$/.exec(client.secret)![1];
    const clientSecrets = one(infra, 'ExternalSecret', 'keycloak-clients');
    const fromKeycloak = clientSecrets.spec.data.find((d: any) => d.secretKey === variable).remoteRef;
    const fromGrafana = one(infra, 'ExternalSecret', 'grafana-oidc').spec.data[0].remoteRef;
    assert.deepEqual(fromKeycloak, fromGrafana);
    assert.match(kc.extraEnvFrom, /name: keycloak-clients/);
  });

  it('has one Hubble client whose callbacks are every cluster\'s oauth2-proxy in front of Hubble UI', () => {
    const [realmMap] = find(infra, 'ConfigMap').filter((c) => c.metadata.namespace === 'keycloak');
    const realm = JSON.parse(Object.values(realmMap.data)[0] as string);
    const callbacks: string[] = [];
    for (const objs of [infra, apps]) {
      const args: string[] = release(objs, 'hubble-ui').controllers['hubble-ui'].containers.app.args;
      const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))!.split('=')[1];
      const client = realm.clients.find((c: any) => c.clientId === arg('client-id'));
      assert.ok(client, 'the proxy\'s client is in the realm');
      assert.equal(arg('oidc-issuer-url'), `https://${one(infra, 'HTTPRoute', 'keycloak').spec.hostnames[0]}/realms/${realm.realm}`);
      assert.equal(new URL(arg('redirect-url')).host, one(objs, 'HTTPRoute', 'hubble-ui').spec.hostnames[0]);
      assert.match(arg('upstream'), /^http:\/\/hubble-ui\.kube-system\.svc/);
      callbacks.push(arg('redirect-url'));
    }
    const hubble = realm.clients.find((c: any) => c.clientId === 'hubble');
    assert.deepEqual(hubble.redirectUris.slice().sort(), callbacks.sort());
  });
});

describe('internal DNS', () => {
  const lbAddress = (objs: Obj[]) => release(objs, 'internal-dns').service.annotations['lbipam.cilium.io/ips'];
  it('answers each cluster\'s domain with its internal Gateway\'s fixed address', () => {
    for (const objs of [infra, apps]) {
      const gatewayAddress = one(objs, 'Gateway', 'internal').spec.addresses[0].value;
      const [server] = release(objs, 'internal-dns').servers;
      const answer = server.plugins.find((p: any) => p.name === 'template' && / A /.test(` ${p.parameters} `));
      assert.ok(answer.configBlock.endsWith(` IN A ${gatewayAddress}"`), answer.configBlock);
    }
    assert.notEqual(lbAddress(infra), lbAddress(apps));
  });

  it('is forwarded to by the cluster DNS of every cluster, for every cluster\'s domain', () => {
    const zoneOf = (objs: Obj[]) => release(objs, 'internal-dns').servers[0].zones[0].zone;
    const expected = [[zoneOf(infra), lbAddress(infra)], [zoneOf(apps), lbAddress(apps)]].sort();
    for (const objs of [infra, apps]) {
      const forwards = release(objs, 'coredns').servers.slice(1)
        .map((s: any) => [s.zones[0].zone, s.plugins.find((p: any) => p.name === 'forward').parameters.split(' ')[1]]).sort();
      assert.deepEqual(forwards, expected);
    }
  });

  it('is right for every routed name: whatever is on the external Gateway is on the internal one too', () => {
    for (const objs of [infra, apps]) {
      const hostsOn = (gateway: string) => new Set(find(objs, 'HTTPRoute')
        .filter((r) => r.spec.hostnames && r.spec.parentRefs.some((p: any) => p.name === gateway)).flatMap((r) => r.spec.hostnames));
      const internal = hostsOn('internal');
      for (const host of hostsOn('external')) assert.ok(internal.has(host), host);
    }
  });
});

describe('the database over ClusterMesh', () => {
  it('shares the read-write Service with the peer, and admits the peer\'s client namespaces', () => {
    const cluster = one(infra, 'Cluster', 'postgres');
    const [shared] = cluster.spec.managed.services.additional;
    assert.equal(shared.selectorType, 'rw');
    assert.equal(shared.serviceTemplate.metadata.annotations['service.cilium.io/global'], 'true');
    const remote = one(apps, 'Service', shared.serviceTemplate.metadata.name);
    assert.equal(remote.metadata.namespace, cluster.metadata.namespace);
    assert.equal(remote.spec.selector, undefined, 'no endpoints on the peer');
    assert.equal(remote.metadata.annotations!['service.cilium.io/shared'], 'false');
    const policy = one(infra, 'CiliumNetworkPolicy', 'allow-mesh-clients');
    assert.deepEqual(policy.spec.ingress[0].fromEndpoints.map((e: any) => e.matchLabels['io.cilium.k8s.policy.cluster']), ['apps']);
  });

  it('refuses role remote on a cluster that is not meshed with the primary', () => {
    const unmeshed = { ...fleet, clusters: fleet.clusters.map((c) => ({ ...c, network: { ...c.network, clusterMesh: undefined } })) };
    assert.throws(() => synthesize(unmeshed), /cloudnative-pg on "apps": role remote reaches infra's database over Cilium ClusterMesh/);
  });
});
