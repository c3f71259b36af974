using System.ComponentModel;
using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// Every overlay of deploy/kubernetes renders with <c>kubectl kustomize</c>, every rendered object reads strictly into
/// the Kubernetes API's own models (an unknown or misspelt field is refused), and what must hold in a deployment of
/// this cloud holds: probes, no root, a read-only root file system, no secret written into a manifest, pinned images.
/// </summary>
public sealed partial class KustomizeOverlaysTests
{
    public static TheoryData<string, int> Overlays => new()
    {
        { "core", 3 },
        { "regional", 2 },
        { "edge", 1 },
    };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task An_overlay_renders_into_valid_objects_that_keep_the_deployment_rules(string overlay, int replicas)
    {
        var objects = Parse(await RenderAsync(Path.Combine(Repository.Root, "deploy", "kubernetes", "overlays", overlay)));

        var violations = Violations(objects);
        Assert.True(violations.Count == 0, $"{overlay} breaks the deployment rules:\n{string.Join('\n', violations)}");
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        Assert.Equal(replicas, deployment.Spec.Replicas);
        Assert.All(objects.OfType<V1NetworkPolicy>(), p => Assert.Contains("Egress", p.Spec.PolicyTypes));

        // Every Secret the manifests refer to is one the operator creates, so the docs must name it and its key.
        var docs = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "deployment.md"));
        foreach (var reference in SecretReferences(deployment))
        {
            Assert.True(docs.Contains($"`{reference.Name}`", StringComparison.Ordinal) && docs.Contains($"`{reference.Key}`", StringComparison.Ordinal),
                $"docs/deployment.md does not name the Secret {reference.Name} and its key {reference.Key} that {overlay} refers to.");
        }

        if (overlay == "edge")
        {
            // The agent dials out and listens on nothing: no Service, no port, and a policy that admits no ingress.
            Assert.Empty(objects.OfType<V1Service>());
            Assert.All(deployment.Spec.Template.Spec.Containers, c => Assert.True(c.Ports is null || c.Ports.Count == 0, $"container {c.Name} exposes a port"));
            var policy = Assert.Single(objects.OfType<V1NetworkPolicy>());
            Assert.Contains("Ingress", policy.Spec.PolicyTypes);
            Assert.True(policy.Spec.Ingress is null || policy.Spec.Ingress.Count == 0, "the agent's NetworkPolicy admits ingress");
        }
        else
        {
            Assert.Single(objects.OfType<V1Service>());
            Assert.Single(objects.OfType<V1PodDisruptionBudget>());
            var autoscaler = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
            Assert.Equal(replicas, autoscaler.Spec.MinReplicas);
            Assert.Equal(deployment.Metadata.Name, autoscaler.Spec.ScaleTargetRef.Name);
            var probes = Assert.Single(deployment.Spec.Template.Spec.Containers);
            Assert.Equal("/readyz", probes.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/healthz", probes.LivenessProbe.HttpGet.Path);
        }
    }

    [Fact]
    public void A_manifest_breaking_the_rules_is_refused_with_each_violation_named()
    {
        // An unknown field (a misspelt one here) is refused by the strict reading itself.
        var misspelt = Deployment.Replace("readinessProbe: null", "readynessProbe: {}", StringComparison.Ordinal);
        var refused = Assert.ThrowsAny<Exception>(() => Parse(misspelt));
        Assert.Contains("'readynessProbe' not found", refused.Message, StringComparison.Ordinal);

        var violations = Violations(Parse(Deployment + "---\n" + Secret + "---\n" + ConfigMap));

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

    /// <summary>Reads every document strictly into the client's models: an unknown field or kind throws.</summary>
    private static List<object> Parse(string yaml) => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

    /// <summary>What breaks the deployment rules in <paramref name="objects"/>, each naming the object, the container and the rule.</summary>
    private static List<string> Violations(IEnumerable<object> objects)
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

    private static IEnumerable<(string Name, string Key)> SecretReferences(V1Deployment deployment) =>
        deployment.Spec.Template.Spec.Containers.SelectMany(c => c.Env ?? [])
            .Where(e => e.ValueFrom?.SecretKeyRef is not null)
            .Select(e => (e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key));

    private static async Task<string> RenderAsync(string directory)
    {
        Process kubectl;
        try
        {
            kubectl = Process.Start(new ProcessStartInfo("kubectl", ["kustomize", directory])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException("kubectl is not installed: run scripts/kubectl.sh (test.sh does); the machines come with kubectl 1.24 or later.", ex);
        }

        using (kubectl)
        {
            var stdout = kubectl.StandardOutput.ReadToEndAsync();
            var stderr = kubectl.StandardError.ReadToEndAsync();
            await kubectl.WaitForExitAsync();
            Assert.True(kubectl.ExitCode == 0, $"kubectl kustomize {directory} exited with {kubectl.ExitCode}:\n{await stderr}");
            return await stdout;
        }
    }
}
