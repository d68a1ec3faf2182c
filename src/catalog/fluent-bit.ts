// Fluent Bit: a DaemonSet tailing every container's log on every node and shipping it
// to VictoriaLogs (seed 001, days 40–42), labelled with the cluster name. On the
// cluster that runs victoria-logs it writes to the local Service; elsewhere it writes to
// `https://vlogs.<that cluster's domain>`, the route victoria-logs publishes on its
// internal Gateway. One unit: the chart creates no custom resources.
import { chartSource, helmRelease } from '../k8s/builders.js';
import { sitesOf } from '../k8s/fleet.js';
import { allowEgress, fromCidr, fromNamespace } from '../k8s/network-policy.js';
import type { K8sObject } from '../k8s/object.js';
import { MONITORING_MODULE, allowScrape, serviceScrape } from '../k8s/scrape.js';
import { defineModule, ModuleConfigError } from '../model/module.js';
import { VICTORIA_LOGS } from './victoria-logs.js';

const NS = 'fluent-bit';

export const fluentBit = defineModule({
  name: 'fluent-bit',
  description: 'Fluent Bit DaemonSet shipping container logs to VictoriaLogs',
  // reads /var/log from the host through hostPath volumes
  namespace: { name: NS, podSecurity: 'privileged' },
  defaults: {
    chart: { repo: 'https://fluent.github.io/helm-charts', name: 'fluent-bit', version: '0.54.0' },
  },
  render({ options: o, cluster, fleet, has }) {
    const stores = sitesOf(fleet, 'victoria-logs');
    const target = stores.find((s) => s.cluster.name === cluster.name) ?? stores[0];
    if (!target) throw new ModuleConfigError(`fluent-bit on "${cluster.name}": no cluster of the fleet runs victoria-logs`);
    const local = target.cluster.name === cluster.name;
    const host = local ? new URL(VICTORIA_LOGS.url).hostname : `vlogs.${target.domain}`;
    const port = local ? VICTORIA_LOGS.port : 443;
    const streamFields = 'cluster,kubernetes_namespace_name,kubernetes_pod_name,kubernetes_container_name';
    const values = {
      resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      config: {
        service: '[SERVICE]\n    Daemon Off\n    Flush 1\n    Log_Level info\n    Parsers_File /fluent-bit/etc/parsers.conf\n    HTTP_Server On\n    HTTP_Listen 0.0.0.0\n    HTTP_Port 2020\n    Health_Check On\n',
        inputs: '[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n    multiline.parser cri\n    Tag kube.*\n    Mem_Buf_Limit 16MB\n    Skip_Long_Lines On\n',
        filters: [
          '[FILTER]\n    Name kubernetes\n    Match kube.*\n    Merge_Log On\n    Keep_Log Off\n    Labels Off\n    Annotations Off\n',
          '[FILTER]\n    Name nest\n    Match kube.*\n    Operation lift\n    Nested_under kubernetes\n    Add_prefix kubernetes_\n',
          `[FILTER]\n    Name modify\n    Match kube.*\n    Add cluster ${cluster.name}\n`,
        ].join('\n'),
        outputs: [
          '[OUTPUT]\n    Name http\n    Match kube.*\n',
          `    Host ${host}\n    Port ${port}\n    tls ${local ? 'Off' : 'On'}\n`,
          `    URI /insert/jsonline?_stream_fields=${streamFields}&_msg_field=log&_time_field=date\n`,
          '    Format json_lines\n    Json_date_key date\n    Json_date_format iso8601\n    compress gzip\n',
        ].join(''),
      },
    };
    const egress: K8sObject = local
      ? allowEgress('allow-victoria-logs', NS, {}, [fromNamespace(VICTORIA_LOGS.namespace)], [{ port: VICTORIA_LOGS.port }])
      : allowEgress('allow-victoria-logs', NS, {}, target.cluster.network.loadBalancerPools.map(fromCidr), [{ port: 443 }]);
    const pods = { 'app.kubernetes.io/name': 'fluent-bit' };
    const files = [
      { file: 'helmrepository.yaml', objects: [chartSource('fluent-bit', NS, o.chart)] },
      { file: 'helmrelease.yaml', objects: [helmRelease({ name: 'fluent-bit', namespace: NS, chart: o.chart, values })] },
      { file: 'networkpolicy.yaml', objects: [egress, ...(has(MONITORING_MODULE) ? [allowScrape(NS, pods, [{ port: 2020 }])] : [])] },
    ];
    if (has(MONITORING_MODULE)) files.push({ file: 'scrape.yaml', objects: [serviceScrape('fluent-bit', NS, pods, 'http', '/api/v2/metrics/prometheus')] });
    return [{ name: 'fluent-bit', dir: 'app', files }];
  },
});
