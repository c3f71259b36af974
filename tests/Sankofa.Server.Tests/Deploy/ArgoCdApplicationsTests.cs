using k8s;
using k8s.Models;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// deploy/argocd, the app of apps: the root Application deploys the folder of Applications, each of those points at an
/// overlay that exists and renders into objects keeping the deployment rules, every overlay an operator deploys has
/// one, and their sync waves bring the databases before the chain, the chain before the servers, the servers before the agents.
/// </summary>
public sealed class ArgoCdApplicationsTests
{
    /// <summary>Which part of the system an object is, by its <c>app.kubernetes.io/name</c>, in the order they must come up.</summary>
    private static readonly string[] Order = ["sankofa-db", "besu", "sankofa-server", "sankofa-agent"];

    private static string ArgoCd => Path.Combine(Repository.Root, "deploy", "argocd");

    [Fact]
    public async Task The_applications_deploy_every_overlay_in_waves_databases_then_chain_then_servers_then_agents()
    {
        var root = Assert.Single(RenderedObjects.Parse(await File.ReadAllTextAsync(Path.Combine(ArgoCd, "root.yaml"))).Cast<ArgoApplication>());
        Assert.Equal("deploy/argocd/apps", root.Spec.Source.Path);
        var applications = RenderedObjects.Parse(await RenderedObjects.RenderAsync(Path.Combine(Repository.Root, root.Spec.Source.Path))).Cast<ArgoApplication>().ToList();
        Assert.NotEmpty(applications);
        Assert.All(applications, a => Assert.Equal(root.Spec.Source.RepoUrl, a.Spec.Source.RepoUrl));
        Assert.Equal(applications.Count, applications.Select(a => a.Metadata.Name).Distinct().Count());

        // Each part's waves: the waves of the Applications that deploy it, and of its objects inside them.
        var waves = Order.ToDictionary(part => part, _ => new List<int>());
        foreach (var application in applications)
        {
            var path = Path.Combine(Repository.Root, application.Spec.Source.Path);
            Assert.True(Directory.Exists(path), $"{application.Metadata.Name}'s path {application.Spec.Source.Path} does not exist");
            var objects = RenderedObjects.Parse(await RenderedObjects.RenderAsync(path));
            Assert.NotEmpty(objects);
            var violations = KustomizeOverlaysTests.Violations(objects);
            Assert.True(violations.Count == 0, $"{application.Metadata.Name} breaks the deployment rules:\n{string.Join('\n', violations)}");

            foreach (var (metadata, kind) in objects.Select(Describe))
            {
                var what = $"{application.Metadata.Name}: {kind} {metadata.Name}";
                Assert.True(metadata.Namespace == application.Spec.Destination.Namespace, $"{what} is in {metadata.Namespace}, the Application deploys to {application.Spec.Destination.Namespace}");
                Assert.True(metadata.Labels?.TryGetValue("app.kubernetes.io/name", out var part) == true && waves.ContainsKey(part), $"{what} names no part of {string.Join(", ", Order)}");
                Assert.True(metadata.Annotations?.TryGetValue(ArgoApplication.SyncWave, out var wave) == true && wave == $"{application.Wave}",
                    $"{what} has sync wave {metadata.Annotations?.GetValueOrDefault(ArgoApplication.SyncWave) ?? "none"}, its Application {application.Wave}");
                waves[metadata.Labels["app.kubernetes.io/name"]].Add(application.Wave);
            }
        }

        for (var i = 1; i < Order.Length; i++)
        {
            Assert.True(waves[Order[i - 1]].Count > 0 && waves[Order[i]].Count > 0, $"no Application deploys {Order[i - 1]} or {Order[i]}");
            Assert.True(waves[Order[i - 1]].Max() < waves[Order[i]].Min(), $"{Order[i - 1]} (waves {string.Join(',', waves[Order[i - 1]].Distinct())}) does not come before {Order[i]} (waves {string.Join(',', waves[Order[i]].Distinct())})");
        }

        // Every overlay that is not made of others is deployed by exactly one Application.
        var overlays = Path.Combine(Repository.Root, "deploy", "kubernetes", "overlays");
        var leaves = Directory.GetFiles(overlays, "kustomization.yaml", SearchOption.AllDirectories).Select(Path.GetDirectoryName)
            .Where(d => Directory.GetDirectories(d!).All(s => !File.Exists(Path.Combine(s, "kustomization.yaml"))))
            .Select(d => Path.GetRelativePath(Repository.Root, d!)).Order(StringComparer.Ordinal);
        Assert.Equal(leaves, applications.Select(a => a.Spec.Source.Path).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, string> Misspelt => new()
    {
        {
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  project: default\n  source: {repoUrl: https://example.org/r.git, path: p}\n  destination: {server: https://kubernetes.default.svc, namespace: n}\n",
            "repoUrl"
        },
        {
            "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: db}\nspec:\n  instances: 3\n  imageName: ghcr.io/cloudnative-pg/postgresql:17.5\n  storage: {size: 1Gi}\n  backup:\n    barmanObjectStore:\n      destinationPath: s3://b\n      s3Credentials: {accessKeyId: {name: s, key: k}, secretAccessKey: {name: s, key: k}}\n      wal: {compresion: gzip}\n",
            "compresion"
        },
        {
            "apiVersion: postgresql.cnpg.io/v1\nkind: ScheduledBackup\nmetadata: {name: b}\nspec: {schedule: '0 0 2 * *', cluster: {name: db}}\n",
            "six fields"
        },
        {
            "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: m}\nspec:\n  selector: {matchLabels: {a: b}}\n  endpoints: [{port: http, interval: 30 seconds}]\n",
            "not a Prometheus duration"
        },
        {
            "apiVersion: example.org/v1\nkind: Widget\nmetadata: {name: w}\n",
            "Widget"
        },
    };

    [Theory]
    [MemberData(nameof(Misspelt))]
    public void A_custom_resource_with_an_unknown_field_or_a_value_outside_its_api_is_refused(string yaml, string named)
    {
        var refused = Assert.ThrowsAny<Exception>(() => RenderedObjects.Parse(yaml));
        Assert.Contains(named, refused.ToString(), StringComparison.Ordinal);
    }

    private static (CustomResources.Metadata Metadata, string Kind) Describe(object item) => item switch
    {
        IKubernetesObject<V1ObjectMeta> k => (new CustomResources.Metadata(k.Metadata.Name, k.Metadata.NamespaceProperty, k.Metadata.Labels?.ToDictionary(), k.Metadata.Annotations?.ToDictionary()), k.Kind),
        CnpgCluster c => (c.Metadata, c.Kind),
        CnpgScheduledBackup b => (b.Metadata, b.Kind),
        ServiceMonitor m => (m.Metadata, m.Kind),
        PrometheusRule r => (r.Metadata, r.Kind),
        _ => throw new InvalidOperationException($"an overlay renders {item.GetType().Name}, which no rule knows"),
    };
}
