// Config errors: each names its config path and says what is wrong.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { certManager, cilium, externalSecrets, flux } from '../src/catalog/index.js';
import { validateFleet } from '../src/model/validate.js';
import type { ClusterConfig, FleetConfig } from '../src/model/types.js';

function cluster(name: string, n: number, overrides: Partial<ClusterConfig['network']> = {}): ClusterConfig {
  return {
    name,
    provider: { kind: 'talos', version: 'v1.11.2' },
    network: {
      nodeSubnet: '10.25.11.0/24',
      gateway: '10.25.11.1',
      controlPlaneEndpoint: `10.25.11.${10 + n}`,
      podCIDR: `10.${40 + 2 * n}.0.0/16`,
      serviceCIDR: `10.${41 + 2 * n}.0.0/16`,
      loadBalancerPools: [`10.25.${20 + n}.0/24`],
      clusterMesh: { id: n, peers: [n === 1 ? 'apps' : 'infra'] },
      ...overrides,
    },
    nodes: [{ name: `${name}-01`, address: `10.25.11.${10 + n}`, role: 'controlplane', installDisk: '/dev/sda' }],
    modules: [flux(), cilium(), externalSecrets(), certManager()],
  };
}

function fleet(clusters: ClusterConfig[]): FleetConfig {
  return { name: 'test', git: { url: 'https://example.com/repo.git' }, domain: 'example.com', clusters };
}

const messages = (f: FleetConfig) => validateFleet(f).map((p) => `${p.path}: ${p.message}`);

describe('fleet config validation', () => {
  it('accepts a consistent two-cluster mesh', () => {
    assert.deepEqual(messages(fleet([cluster('infra', 1), cluster('apps', 2)])), []);
  });

  it('asks a Talos cluster for an exact Kubernetes release', () => {
    const minorOnly = { ...cluster('infra', 1), kubernetesVersion: '1.31' };
    assert.deepEqual(messages(fleet([minorOnly, cluster('apps', 2)])), [
      'clusters[0].kubernetesVersion: Talos installs an exact Kubernetes release: write a patch version such as "1.31.0", or leave it out for Talos\'s default',
    ]);
    assert.deepEqual(messages(fleet([{ ...minorOnly, kubernetesVersion: '1.31.13' }, cluster('apps', 2)])), []);
  });

  it('rejects overlapping pod CIDRs between meshed clusters', () => {
    const got = messages(fleet([cluster('infra', 1), cluster('apps', 2, { podCIDR: '10.42.0.0/16' })]));
    assert.deepEqual(got, [
      'clusters[1].network.podCIDR: 10.42.0.0/16 overlaps clusters[0].network.podCIDR (10.42.0.0/16) of meshed cluster "infra"; ClusterMesh routes pod IPs between clusters, so pod CIDRs must be distinct',
    ]);
  });

  it('rejects overlapping load-balancer pools between meshed clusters', () => {
    const got = messages(fleet([cluster('infra', 1), cluster('apps', 2, { loadBalancerPools: ['10.25.21.128/25'] })]));
    assert.deepEqual(got, [
      'clusters[1].network.loadBalancerPools[0]: 10.25.21.128/25 overlaps clusters[0].network.loadBalancerPools[0] (10.25.21.0/24) of meshed cluster "infra"; give each cluster its own range',
    ]);
  });

  it('rejects duplicate Cilium cluster ids', () => {
    const got = messages(fleet([cluster('infra', 1), cluster('apps', 2, { clusterMesh: { id: 1, peers: ['infra'] } })]));
    assert.deepEqual(got, [
      'clusters[1].network.clusterMesh.id: cluster id 1 is already used by clusters[0] ("infra"); every cluster in a mesh needs its own id',
    ]);
  });

  it('rejects a node IP outside its subnet', () => {
    const c = cluster('infra', 1);
    c.nodes[0].address = '10.25.12.11';
    c.network.controlPlaneEndpoint = '10.25.11.11';
    assert.deepEqual(messages(fleet([c])).filter((m) => m.startsWith('clusters[0].nodes')), [
      'clusters[0].nodes[0].address: 10.25.12.11 is outside the node subnet 10.25.11.0/24',
    ]);
  });

  it('rejects unknown module options and wrong option types', () => {
    const c = cluster('infra', 1);
    c.modules[3] = certManager({ replicas: 2, emial: 'x@example.com' } as never);
    c.modules.push(externalSecrets({ unknownFlag: true } as never));
    const got = messages(fleet([c, cluster('apps', 2)])).sort();
    assert.equal(got.length, 3);
    assert.match(got[0], /^clusters\[0\]\.modules\[3\]\.options\.emial: unknown option of module "cert-manager"; known options: .*email/);
    assert.match(got[1], /^clusters\[0\]\.modules\[4\]\.options\.unknownFlag: unknown option of module "external-secrets"/);
    assert.equal(got[2], 'clusters[0].modules[4]: module "external-secrets" is enabled twice (also modules[2])');
    const typed = cluster('infra', 1);
    typed.modules[3] = certManager({ replicas: 'two' } as never);
    assert.deepEqual(messages(fleet([typed, cluster('apps', 2)])), [
      'clusters[0].modules[3].options.replicas: must be a number like the default 2, got "two"',
    ]);
  });

  it('rejects a module whose required module is missing', () => {
    const c = cluster('infra', 1);
    c.modules = [flux(), cilium(), certManager()];
    assert.deepEqual(messages(fleet([c, cluster('apps', 2)])), [
      'clusters[0].modules[2]: module "cert-manager" needs module "external-secrets" on the same cluster; add it',
    ]);
  });

  it('rejects malformed CIDRs and overlapping networks inside a cluster', () => {
    const got = messages(fleet([cluster('infra', 1, { podCIDR: '10.42.0.1/16', serviceCIDR: '10.25.11.0/25' }), cluster('apps', 2)]));
    assert.deepEqual(got, [
      'clusters[0].network.podCIDR: "10.42.0.1/16" has host bits set; the network is 10.42.0.0/16',
      'clusters[0].network.serviceCIDR: overlaps clusters[0].network.nodeSubnet; the node, pod and service networks must be disjoint',
    ]);
  });

  it('rejects mesh peers that do not exist and duplicate cluster names', () => {
    const got = messages(fleet([cluster('infra', 1, { clusterMesh: { id: 1, peers: ['nope'] } }), cluster('infra', 2)]));
    assert.ok(got.includes('clusters[1].name: duplicate cluster name "infra" (also clusters[0])'), got.join('\n'));
    assert.ok(got.includes('clusters[0].network.clusterMesh.peers[0]: no cluster named "nope" in this fleet'), got.join('\n'));
  });
});
