using System.Text.RegularExpressions;
using k8s.Models;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// Every overlay of deploy/kubernetes renders with <c>kubectl kustomize</c>, every rendered object reads strictly into
/// the Kubernetes API's own models (an unknown or misspelt field is refused), and what must hold in a deployment of
/// this cloud holds: probes, no root, a read-only root file system, no secret written into a manifest, pinned images.
/// The custom resources (CloudNativePG, Prometheus Operator, Argo CD) are read with the strict schemas of
/// <see cref="CustomResources"/>.
/// </summary>
public sealed partial class KustomizeOverlaysTests
{
    /// <summary>Every kustomization an operator or an Argo CD Application renders, with its control plane's replica count (0: none).</summary>
    public static TheoryData<string, int> Overlays => new()
    {
        { "core", 3 },
        { "core/database", 0 },
        { "core/server", 3 },
        { "regional", 2 },
        { "regional/database", 0 },
        { "regional/chain", 0 },
        { "regional/server", 2 },
        { "chain", 0 },
        { "edge", 0 },
    };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task An_overlay_renders_into_valid_objects_that_keep_the_deployment_rules(string overlay, int replicas)
    {
        var objects = RenderedObjects.Parse(await RenderedObjects.RenderAsync(OverlayDirectory(overlay)));

        var violations = Violations(objects);
        Assert.True(violations.Count == 0, $"{overlay} breaks the deployment rules:\n{string.Join('\n', violations)}");
        Assert.NotEmpty(objects);
        Assert.All(objects.OfType<V1NetworkPolicy>(), p => Assert.Contains("Egress", p.Spec.PolicyTypes));

        // Every Secret the manifests refer to is one the operator creates, so the docs must name it and its keys.
        var docs = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "deployment.md"));
        foreach (var (name, key) in SecretReferences(objects))
        {
            Assert.True(docs.Contains($"`{name}`", StringComparison.Ordinal) && (key is null || docs.Contains($"`{key}`", StringComparison.Ordinal)),
                $"docs/deployment.md does not name the Secret {name}{(key is null ? "" : $" and its key {key}")} that {overlay} refers to.");
        }

        var servers = objects.OfType<V1Deployment>().Where(d => d.Metadata.Name == "sankofa-server").ToList();
        Assert.Equal(replicas > 0 ? 1 : 0, servers.Count);
        foreach (var deployment in servers)
        {
            Assert.Equal(replicas, deployment.Spec.Replicas);
            var autoscaler = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
            Assert.Equal(replicas, autoscaler.Spec.MinReplicas);
            Assert.Equal(deployment.Metadata.Name, autoscaler.Spec.ScaleTargetRef.Name);
            Assert.Single(objects.OfType<V1PodDisruptionBudget>(), p => p.Metadata.Name == "sankofa-server");
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);

            // Prometheus scrapes /metrics through the Service's API port.
            var service = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == "sankofa-server");
            var monitor = Assert.Single(objects.OfType<ServiceMonitor>());
            Assert.All(monitor.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, service.Metadata.Labels[l.Key]));
            var endpoint = Assert.Single(monitor.Spec.Endpoints);
            Assert.Contains(service.Spec.Ports, p => p.Name == endpoint.Port);
            Assert.Equal("/metrics", endpoint.Path);

            // And evaluates every alert of deploy/monitoring/rules.
            var alerts = objects.OfType<PrometheusRule>().SelectMany(r => r.Spec.Groups).SelectMany(g => g.Rules).Select(r => r.Alert).OfType<string>();
            Assert.Equal(RuleFileAlerts(), alerts.Order(StringComparer.Ordinal));
            if (overlay == "core")
            {
                // Grafana's sidecar finds every dashboard of deploy/monitoring/grafana/dashboards, once (with the core tier).
                var dashboards = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Labels?.ContainsKey("grafana_dashboard") == true);
                Assert.Equal(
                    Directory.GetFiles(Path.Combine(Repository.Root, "deploy", "monitoring", "grafana", "dashboards"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal),
                    dashboards.Data.Keys.Order(StringComparer.Ordinal));
            }
        }

        if (overlay is "core" or "regional")
        {
            // The servers' database is this tier's CloudNativePG Cluster: its -rw Service and its -app Secret.
            var deployment = Assert.Single(servers);
            var cluster = Assert.Single(objects.OfType<CnpgCluster>());
            Assert.Equal(3, cluster.Spec.Instances);
            Assert.NotNull(cluster.Spec.Backup);
            var config = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name.StartsWith("sankofa-server-config", StringComparison.Ordinal));
            Assert.Contains($"Host={cluster.Metadata.Name}-rw;", config.Data["SANKOFA_STORE"], StringComparison.Ordinal);
            var password = Assert.Single(deployment.Spec.Template.Spec.Containers[0].Env, e => e.Name == "PGPASSWORD");
            Assert.Equal($"{cluster.Metadata.Name}-app", password.ValueFrom.SecretKeyRef.Name);
            Assert.Equal(deployment.Metadata.NamespaceProperty, cluster.Metadata.Namespace);
        }

        if (overlay == "regional")
        {
            // The read replicas the servers read from: the Service their Ledger:RpcUrl names, in the chain's namespace,
            // each its own StatefulSet with its own key.
            var replicaSets = objects.OfType<V1StatefulSet>().ToList();
            Assert.Equal(2, replicaSets.Count);
            AssertOwnKeys(replicaSets);
            Assert.All(replicaSets, r => Assert.Equal("sankofa-chain", r.Metadata.NamespaceProperty));
            var rpc = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == "besu-rpc");
            Assert.All(replicaSets, r => Assert.All(rpc.Spec.Selector, l => Assert.Equal(l.Value, r.Spec.Template.Metadata.Labels[l.Key])));
            var config = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name.StartsWith("sankofa-server-config", StringComparison.Ordinal));
            Assert.Equal($"http://{rpc.Metadata.Name}.{rpc.Metadata.NamespaceProperty}:{rpc.Spec.Ports[0].Port}", config.Data["Ledger__RpcUrl"]);
        }

        if (overlay == "chain")
        {
            // Four QBFT validators, each pod named as a node of the genesis, which lists exactly those validators, and each
            // mounting its own node key and no other.
            var validators = objects.OfType<V1StatefulSet>().ToList();
            var network = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == "besu-network");
            var genesis = System.Text.Json.Nodes.JsonNode.Parse(network.Data["genesis.json"])!;
            Assert.NotNull(genesis["config"]!["qbft"]);
            var extraData = Sankofa.Agent.LightClient.QbftExtraData.Decode(Convert.FromHexString(genesis["extraData"]!.GetValue<string>()[2..]));
            Assert.Equal(4, validators.Count);
            Assert.Equal(validators.Count, extraData.Validators.Count);
            AssertOwnKeys(validators);
            var service = Assert.Single(objects.OfType<V1Service>());
            Assert.Equal("None", service.Spec.ClusterIP);
            var allowList = network.Data["permissions_config.toml"];
            foreach (var validator in validators)
            {
                Assert.Equal(service.Metadata.Name, validator.Spec.ServiceName);
                var host = $"{validator.Metadata.Name}-{validator.Spec.Ordinals?.Start ?? 0}.{service.Metadata.Name}.{validator.Metadata.NamespaceProperty}.svc.cluster.local";
                Assert.True(allowList.Contains($"@{host}:30303", StringComparison.Ordinal), $"no enode of the allow-list names the pod {host}");
            }
        }

        if (overlay == "edge")
        {
            // The agent dials out and listens on nothing: no Service, no port, and a policy that admits no ingress.
            var deployment = Assert.Single(objects.OfType<V1Deployment>());
            Assert.Equal(1, deployment.Spec.Replicas);
            Assert.Empty(objects.OfType<V1Service>());
            Assert.All(deployment.Spec.Template.Spec.Containers, c => Assert.True(c.Ports is null || c.Ports.Count == 0, $"container {c.Name} exposes a port"));
            var policy = Assert.Single(objects.OfType<V1NetworkPolicy>());
            Assert.Contains("Ingress", policy.Spec.PolicyTypes);
            Assert.True(policy.Spec.Ingress is null || policy.Spec.Ingress.Count == 0, "the agent's NetworkPolicy admits ingress");
        }
    }

    [Fact]
    public async Task Every_network_policy_peer_selects_pods_that_exist()
    {
        // A policy's peer selects pods by labels; a label those pods do not carry admits nothing (an egress to DNS or to
        // PostgreSQL silently cut). The pods are those rendered anywhere in deploy/kubernetes, and the two from outside:
        // the cluster's DNS and CloudNativePG's instances of a Cluster.
        var rendered = new List<object>();
        foreach (var overlay in new[] { "core", "regional", "chain", "edge" })
        {
            rendered.AddRange(RenderedObjects.Parse(await RenderedObjects.RenderAsync(OverlayDirectory(overlay))));
        }

        var pods = PodTemplates(rendered).Select(t => t.Metadata.Labels).ToList();
        pods.Add(new Dictionary<string, string> { ["k8s-app"] = "kube-dns" });
        pods.AddRange(rendered.OfType<CnpgCluster>().Select(c => new Dictionary<string, string> { ["cnpg.io/cluster"] = c.Metadata.Name }));

        var unmatched = new List<string>();
        foreach (var policy in rendered.OfType<V1NetworkPolicy>())
        {
            var peers = (policy.Spec.Ingress ?? []).SelectMany(r => r.FromProperty ?? []).Concat((policy.Spec.Egress ?? []).SelectMany(r => r.To ?? []));
            foreach (var selector in peers.Select(p => p.PodSelector).Append(policy.Spec.PodSelector).Where(s => s?.MatchLabels is { Count: > 0 }))
            {
                if (!pods.Any(labels => selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)))
                {
                    unmatched.Add($"{policy.Metadata.NamespaceProperty}/{policy.Metadata.Name}: {string.Join(',', selector.MatchLabels.Select(l => $"{l.Key}={l.Value}"))}");
                }
            }
        }

        Assert.True(unmatched.Count == 0, "NetworkPolicy selectors no pod carries:\n" + string.Join('\n', unmatched));
    }

    [Fact]
    public void A_manifest_breaking_the_rules_is_refused_with_each_violation_named()
    {
        // An unknown field (a misspelt one here) is refused by the strict reading itself.
        var misspelt = Deployment.Replace("readinessProbe: null", "readynessProbe: {}", StringComparison.Ordinal);
        var refused = Assert.ThrowsAny<Exception>(() => RenderedObjects.Parse(misspelt));
        Assert.Contains("'readynessProbe' not found", refused.Message, StringComparison.Ordinal);

        var violations = Violations(RenderedObjects.Parse(Deployment + "---\n" + Secret + "---\n" + ConfigMap));

        Assert.Contains("Deployment bad: container web has no readiness probe", violations);
        Assert.Contains("Deployment bad: container web has no liveness probe", violations);
        Assert.Contains("Deployment bad: container web may run as root (runAsNonRoot is not true)", violations);
        Assert.Contains("Deployment bad: container web runs as UID 0", violations);
        Assert.Contains("Deployment bad: container web's root file system is writable", violations);
        Assert.Contains("Deployment bad: container web may escalate privileges", violations);
        Assert.Contains("Deployment bad: container web keeps capabilities (drop ALL)", violations);
        Assert.Contains("Deployment bad: container web sets DB_PASSWORD to a literal value", violations);
        Assert.Contains("Deployment bad: container web's image nginx:latest is not pinned by version or digest", violations);
        Assert.Contains("Deployment bad: container sidecar's image busybox is not pinned by version or digest", violations);
        Assert.Contains("Secret leaked: holds data in the manifests", violations);
        Assert.Contains("ConfigMap settings: Proxmox__TokenSecret looks like a secret; refer to a Secret instead", violations);
        Assert.DoesNotContain(violations, v => v.Contains("LOG_LEVEL", StringComparison.Ordinal) || v.Contains("RpcUrl", StringComparison.Ordinal));
        Assert.Equal(12, violations.Count);
    }

    /// <summary>A Deployment breaking every rule once (the sidecar only by its image); a Secret with data and a ConfigMap with a secret follow.</summary>
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: bad
        spec:
          selector:
            matchLabels:
              app: bad
          template:
            metadata:
              labels:
                app: bad
            spec:
              securityContext:
                runAsUser: 0
              containers:
                - name: web
                  image: nginx:latest
                  readinessProbe: null
                  env:
                    - name: LOG_LEVEL
                      value: debug
                    - name: DB_PASSWORD
                      value: hunter2
                - name: sidecar
                  image: busybox
                  readinessProbe:
                    exec:
                      command: ["true"]
                  livenessProbe:
                    exec:
                      command: ["true"]
                  securityContext:
                    runAsNonRoot: true
                    runAsUser: 1000
                    readOnlyRootFilesystem: true
                    allowPrivilegeEscalation: false
                    capabilities:
                      drop: ["ALL"]

        """;

    private const string Secret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: leaked
        stringData:
          password: hunter2

        """;

    private const string ConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          Ledger__RpcUrl: http://besu:8545
          Proxmox__TokenSecret: 0b0e4f1c-9a2b-4c1e-8f3a-6d7e8f9a0b1c

        """;

    /// <summary>Environment names that say their value is a secret: such a value comes from a Secret, never from the manifest.</summary>
    [GeneratedRegex("PASSWORD|SECRET|TOKEN|KEY|CONNECTIONSTRING", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretName();

    /// <summary>
    /// Each chain node is a StatefulSet of one pod (a StatefulSet's pods share one template, so several would all mount
    /// the same keys), whose selector is its own and whose Secret no other node mounts.
    /// </summary>
    private static void AssertOwnKeys(IReadOnlyList<V1StatefulSet> nodes)
    {
        Assert.All(nodes, n => Assert.Equal(1, n.Spec.Replicas));
        Assert.All(nodes, n => Assert.True(
            nodes.Count(o => n.Spec.Selector.MatchLabels.All(l => o.Spec.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value)) == 1,
            $"{n.Metadata.Name}'s selector selects other nodes' pods"));
        var secrets = nodes.Select(n => n.Spec.Template.Spec.Volumes.Where(v => v.Secret is not null).Select(v => v.Secret.SecretName).ToList()).ToList();
        Assert.All(secrets, s => Assert.Single(s));
        Assert.Equal(nodes.Count, secrets.Select(s => s[0]).Distinct().Count());
    }

    [GeneratedRegex(@"^\s*-?\s*alert:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex AlertLine();

    /// <summary>The alerts of the rule files Prometheus loads outside Kubernetes (deploy/monitoring/rules), sorted.</summary>
    private static List<string> RuleFileAlerts() => Directory.GetFiles(Path.Combine(Repository.Root, "deploy", "monitoring", "rules"), "*.yml")
        .SelectMany(f => AlertLine().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value)).Order(StringComparer.Ordinal).ToList();

    private static string OverlayDirectory(string overlay) => Path.Combine(Repository.Root, "deploy", "kubernetes", "overlays", overlay);

    private static IEnumerable<V1PodTemplateSpec> PodTemplates(IEnumerable<object> objects) => objects.Select(o => o switch
    {
        V1Deployment d => d.Spec.Template,
        V1StatefulSet s => s.Spec.Template,
        _ => null,
    }).OfType<V1PodTemplateSpec>();

    /// <summary>What breaks the deployment rules in <paramref name="objects"/>, each naming the object, the container and the rule.</summary>
    internal static List<string> Violations(IEnumerable<object> objects)
    {
        var violations = new List<string>();
        foreach (var item in objects)
        {
            switch (item)
            {
                case V1Deployment deployment:
                    violations.AddRange(PodViolations($"Deployment {deployment.Metadata.Name}", deployment.Spec.Template.Spec));
                    break;
                case V1StatefulSet statefulSet:
                    violations.AddRange(PodViolations($"StatefulSet {statefulSet.Metadata.Name}", statefulSet.Spec.Template.Spec));
                    break;
                case CnpgCluster cluster when !IsPinned(cluster.Spec.ImageName):
                    violations.Add($"Cluster {cluster.Metadata.Name}'s image {cluster.Spec.ImageName} is not pinned by version or digest");
                    break;
                case V1Secret secret when secret.Data is { Count: > 0 } || secret.StringData is { Count: > 0 }:
                    violations.Add($"Secret {secret.Metadata.Name}: holds data in the manifests");
                    break;
                case V1ConfigMap configMap:
                    violations.AddRange((configMap.Data?.Keys ?? []).Where(k => SecretName().IsMatch(k))
                        .Select(k => $"ConfigMap {configMap.Metadata.Name}: {k} looks like a secret; refer to a Secret instead"));
                    break;
            }
        }

        return violations;
    }

    private static IEnumerable<string> PodViolations(string owner, V1PodSpec pod)
    {
        foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
        {
            var isInit = pod.InitContainers?.Contains(container) == true;
            var name = $"{owner}: container {container.Name}";
            var security = container.SecurityContext;
            if (!isInit && container.ReadinessProbe is null)
            {
                yield return $"{name} has no readiness probe";
            }

            if (!isInit && container.LivenessProbe is null)
            {
                yield return $"{name} has no liveness probe";
            }

            if ((security?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot) != true)
            {
                yield return $"{name} may run as root (runAsNonRoot is not true)";
            }

            if ((security?.RunAsUser ?? pod.SecurityContext?.RunAsUser) == 0)
            {
                yield return $"{name} runs as UID 0";
            }

            if (security?.ReadOnlyRootFilesystem != true)
            {
                yield return $"{name}'s root file system is writable";
            }

            if (security?.AllowPrivilegeEscalation != false)
            {
                yield return $"{name} may escalate privileges";
            }

            if (security?.Capabilities?.Drop?.Contains("ALL") != true)
            {
                yield return $"{name} keeps capabilities (drop ALL)";
            }

            foreach (var variable in container.Env ?? [])
            {
                if (variable.Value is not null && SecretName().IsMatch(variable.Name))
                {
                    yield return $"{name} sets {variable.Name} to a literal value";
                }
            }

            if (!IsPinned(container.Image))
            {
                yield return $"{name}'s image {container.Image} is not pinned by version or digest";
            }
        }
    }

    /// <summary>An image named with a digest, or with a tag other than <c>latest</c> (a registry's port is not a tag).</summary>
    private static bool IsPinned(string image)
    {
        if (image.Contains("@sha256:", StringComparison.Ordinal))
        {
            return true;
        }

        var lastPart = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastPart.LastIndexOf(':');
        return colon > 0 && lastPart[(colon + 1)..] is { Length: > 0 } tag && tag != "latest";
    }

    /// <summary>The Secrets the objects read (name, and key where one is named): the pods' environment and volumes, CloudNativePG's backup credentials.</summary>
    private static IEnumerable<(string Name, string? Key)> SecretReferences(IEnumerable<object> objects)
    {
        var list = objects.ToList();
        foreach (var pod in PodTemplates(list).Select(t => t.Spec))
        {
            foreach (var reference in pod.Containers.SelectMany(c => c.Env ?? []).Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>())
            {
                yield return (reference.Name, reference.Key);
            }

            foreach (var volume in (pod.Volumes ?? []).Where(v => v.Secret is not null))
            {
                yield return (volume.Secret.SecretName, null);
            }
        }

        foreach (var credentials in list.OfType<CnpgCluster>().Select(c => c.Spec.Backup?.BarmanObjectStore.S3Credentials).OfType<CnpgS3Credentials>())
        {
            yield return (credentials.AccessKeyId.Name, credentials.AccessKeyId.Key);
            yield return (credentials.SecretAccessKey.Name, credentials.SecretAccessKey.Key);
        }
    }
}
