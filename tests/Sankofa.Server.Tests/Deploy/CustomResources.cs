using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Sankofa.Server.Tests.Deploy;

/// <summary>
/// Strict schemas of the custom resources deploy/ uses, written from each project's documented API and limited to the
/// fields used here: a field not declared below (a misspelt one, or one of another API version) is refused, as is a
/// missing required field or a value outside the documented set. The Kubernetes client's models do not know these kinds.
/// </summary>
internal static class CustomResources
{
    /// <summary>The kinds read with these schemas, by <c>apiVersion/kind</c>.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Kinds = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["postgresql.cnpg.io/v1/Cluster"] = typeof(CnpgCluster),
        ["postgresql.cnpg.io/v1/ScheduledBackup"] = typeof(CnpgScheduledBackup),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule),
        ["argoproj.io/v1alpha1/Application"] = typeof(ArgoApplication),
    };

    private static readonly JsonSerializerOptions Strict = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>Reads <paramref name="document"/> into its kind's schema; throws naming the field it refuses.</summary>
    public static object Read(JsonObject document, Type type)
    {
        var read = document.Deserialize(type, Strict) ?? throw new JsonException("empty document");
        if (read is ICheckedResource checkedResource)
        {
            checkedResource.Check();
        }

        return read;
    }

    /// <summary>The metadata these objects use (ObjectMeta's fields of that name).</summary>
    internal sealed record Metadata(
        string Name,
        string? Namespace = null,
        Dictionary<string, string>? Labels = null,
        Dictionary<string, string>? Annotations = null);

    internal interface ICheckedResource
    {
        /// <summary>Throws when a value is outside what the API documents.</summary>
        void Check();
    }

    internal static void OneOf(string field, string? value, params string[] allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            throw new JsonException($"{field}: '{value}' is not one of {string.Join(", ", allowed)}");
        }
    }

    internal sealed record SecretKeySelector(string Name, string Key);

    internal sealed record LocalObjectReference(string Name);

    internal sealed record LabelSelector(Dictionary<string, string> MatchLabels);
}

// CloudNativePG, API postgresql.cnpg.io/v1 (https://cloudnative-pg.io/documentation/1.26/cloudnative-pg.v1/):
// Cluster, ClusterSpec, BootstrapConfiguration/BootstrapInitDB, StorageConfiguration, AffinityConfiguration,
// MonitoringConfiguration, BackupConfiguration, BarmanObjectStoreConfiguration (barman-cloud's S3Credentials,
// WalBackupConfiguration, DataBackupConfiguration); ScheduledBackup, ScheduledBackupSpec.

/// <summary>A CloudNativePG <c>Cluster</c>.</summary>
internal sealed record CnpgCluster(string ApiVersion, string Kind, CustomResources.Metadata Metadata, CnpgClusterSpec Spec) : CustomResources.ICheckedResource
{
    public void Check()
    {
        if (Spec.Instances < 1)
        {
            throw new JsonException("spec.instances must be at least 1");
        }

        CustomResources.OneOf("spec.primaryUpdateStrategy", Spec.PrimaryUpdateStrategy, "unsupervised", "supervised");
        CustomResources.OneOf("spec.affinity.podAntiAffinityType", Spec.Affinity?.PodAntiAffinityType, "preferred", "required");
        if (Spec.Backup is { } backup)
        {
            if (backup.RetentionPolicy is { } retention && !System.Text.RegularExpressions.Regex.IsMatch(retention, "^[1-9][0-9]*[dwm]$"))
            {
                throw new JsonException($"spec.backup.retentionPolicy: '{retention}' is not a number of days, weeks or months (30d)");
            }

            string[] compressions = ["bzip2", "gzip", "lz4", "snappy", "xz", "zstd"];
            CustomResources.OneOf("spec.backup.barmanObjectStore.wal.compression", backup.BarmanObjectStore.Wal?.Compression, compressions);
            CustomResources.OneOf("spec.backup.barmanObjectStore.data.compression", backup.BarmanObjectStore.Data?.Compression, compressions);
        }
    }
}

internal sealed record CnpgClusterSpec(
    int Instances,
    string ImageName,
    CnpgStorage Storage,
    string? PrimaryUpdateStrategy = null,
    CnpgPostgresConfiguration? Postgresql = null,
    CnpgBootstrap? Bootstrap = null,
    CnpgStorage? WalStorage = null,
    CnpgResources? Resources = null,
    CnpgAffinity? Affinity = null,
    CnpgMonitoring? Monitoring = null,
    CnpgBackup? Backup = null);

internal sealed record CnpgPostgresConfiguration(Dictionary<string, string> Parameters);

internal sealed record CnpgBootstrap(CnpgInitDb Initdb);

internal sealed record CnpgInitDb(string Database, string Owner);

internal sealed record CnpgStorage(string Size, string? StorageClass = null);

internal sealed record CnpgResources(Dictionary<string, string>? Requests = null, Dictionary<string, string>? Limits = null);

internal sealed record CnpgAffinity(bool? EnablePodAntiAffinity = null, string? TopologyKey = null, string? PodAntiAffinityType = null);

internal sealed record CnpgMonitoring(bool? EnablePodMonitor = null);

internal sealed record CnpgBackup(CnpgBarmanObjectStore BarmanObjectStore, string? RetentionPolicy = null);

internal sealed record CnpgBarmanObjectStore(
    string DestinationPath,
    CnpgS3Credentials S3Credentials,
    [property: JsonPropertyName("endpointURL")] string? EndpointUrl = null,
    CnpgWalBackup? Wal = null,
    CnpgDataBackup? Data = null);

internal sealed record CnpgS3Credentials(CustomResources.SecretKeySelector AccessKeyId, CustomResources.SecretKeySelector SecretAccessKey);

internal sealed record CnpgWalBackup(string? Compression = null, int? MaxParallel = null);

internal sealed record CnpgDataBackup(string? Compression = null, int? Jobs = null);

/// <summary>A CloudNativePG <c>ScheduledBackup</c>.</summary>
internal sealed record CnpgScheduledBackup(string ApiVersion, string Kind, CustomResources.Metadata Metadata, CnpgScheduledBackupSpec Spec) : CustomResources.ICheckedResource
{
    public void Check()
    {
        // CloudNativePG's schedule has six fields, seconds first (robfig/cron), unlike a CronJob's five.
        if (Spec.Schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 6)
        {
            throw new JsonException($"spec.schedule: '{Spec.Schedule}' does not have six fields (seconds first)");
        }

        CustomResources.OneOf("spec.backupOwnerReference", Spec.BackupOwnerReference, "none", "self", "cluster");
    }
}

internal sealed record CnpgScheduledBackupSpec(string Schedule, CustomResources.LocalObjectReference Cluster, string? BackupOwnerReference = null, bool? Immediate = null);

// Prometheus Operator, API monitoring.coreos.com/v1
// (https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor): ServiceMonitorSpec, Endpoint.

/// <summary>A Prometheus Operator <c>ServiceMonitor</c>.</summary>
internal sealed record ServiceMonitor(string ApiVersion, string Kind, CustomResources.Metadata Metadata, ServiceMonitorSpec Spec) : CustomResources.ICheckedResource
{
    public void Check()
    {
        foreach (var endpoint in Spec.Endpoints)
        {
            CustomResources.OneOf("spec.endpoints[].scheme", endpoint.Scheme, "http", "https");
            foreach (var (name, duration) in new[] { ("interval", endpoint.Interval), ("scrapeTimeout", endpoint.ScrapeTimeout) })
            {
                // Prometheus's duration: 30s, 1m, 1h30m.
                if (duration is not null && !System.Text.RegularExpressions.Regex.IsMatch(duration, "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$"))
                {
                    throw new JsonException($"spec.endpoints[].{name}: '{duration}' is not a Prometheus duration");
                }
            }
        }
    }
}

internal sealed record ServiceMonitorSpec(CustomResources.LabelSelector Selector, List<ServiceMonitorEndpoint> Endpoints);

internal sealed record ServiceMonitorEndpoint(string Port, string? Path = null, string? Scheme = null, string? Interval = null, string? ScrapeTimeout = null);

// Prometheus Operator, API monitoring.coreos.com/v1
// (https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule): PrometheusRuleSpec,
// RuleGroup, Rule. The expressions themselves are checked by promtool (MonitoringRulesTests).

/// <summary>A Prometheus Operator <c>PrometheusRule</c>.</summary>
internal sealed record PrometheusRule(string ApiVersion, string Kind, CustomResources.Metadata Metadata, PrometheusRuleSpec Spec) : CustomResources.ICheckedResource
{
    public void Check()
    {
        foreach (var rule in Spec.Groups.SelectMany(g => g.Rules))
        {
            if ((rule.Record is null) == (rule.Alert is null))
            {
                throw new JsonException($"spec.groups[].rules[]: a rule records or alerts, not both or neither ({rule.Expr})");
            }

            if (rule.Record is not null && (rule.For is not null || rule.Annotations is not null))
            {
                throw new JsonException($"spec.groups[].rules[]: the recording rule {rule.Record} has an alert's for or annotations");
            }
        }
    }
}

internal sealed record PrometheusRuleSpec(List<PrometheusRuleGroup> Groups);

internal sealed record PrometheusRuleGroup(string Name, List<PrometheusRuleRule> Rules, string? Interval = null);

internal sealed record PrometheusRuleRule(
    string Expr,
    string? Record = null,
    string? Alert = null,
    string? For = null,
    Dictionary<string, string>? Labels = null,
    Dictionary<string, string>? Annotations = null);

// Argo CD, API argoproj.io/v1alpha1 (https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/,
// sync waves: https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/): Application, ApplicationSpec,
// ApplicationSource, ApplicationDestination, SyncPolicy (automated, syncOptions, retry).

/// <summary>An Argo CD <c>Application</c>.</summary>
internal sealed record ArgoApplication(string ApiVersion, string Kind, CustomResources.Metadata Metadata, ArgoApplicationSpec Spec) : CustomResources.ICheckedResource
{
    public const string SyncWave = "argocd.argoproj.io/sync-wave";

    public void Check()
    {
        if (!Uri.TryCreate(Spec.Destination.Server, UriKind.Absolute, out _))
        {
            throw new JsonException($"spec.destination.server: '{Spec.Destination.Server}' is not a URL");
        }

        if (Metadata.Annotations?.TryGetValue(SyncWave, out var wave) == true && !int.TryParse(wave, out _))
        {
            throw new JsonException($"metadata.annotations[{SyncWave}]: '{wave}' is not an integer");
        }

        foreach (var option in Spec.SyncPolicy?.SyncOptions ?? [])
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(option, "^[A-Za-z]+=[A-Za-z0-9-]+$"))
            {
                throw new JsonException($"spec.syncPolicy.syncOptions: '{option}' is not Name=value");
            }
        }
    }

    /// <summary>The Application's sync wave: its annotation, 0 without one (Argo CD's default).</summary>
    public int Wave => Metadata.Annotations?.TryGetValue(SyncWave, out var wave) == true ? int.Parse(wave, System.Globalization.CultureInfo.InvariantCulture) : 0;
}

internal sealed record ArgoApplicationSpec(string Project, ArgoSource Source, ArgoDestination Destination, ArgoSyncPolicy? SyncPolicy = null);

internal sealed record ArgoSource([property: JsonPropertyName("repoURL")] string RepoUrl, string Path, string? TargetRevision = null);

internal sealed record ArgoDestination(string Server, string Namespace);

internal sealed record ArgoSyncPolicy(ArgoAutomated? Automated = null, List<string>? SyncOptions = null, ArgoRetry? Retry = null);

internal sealed record ArgoAutomated(bool? Prune = null, bool? SelfHeal = null);

internal sealed record ArgoRetry(int Limit, ArgoBackoff? Backoff = null);

internal sealed record ArgoBackoff(string? Duration = null, int? Factor = null, string? MaxDuration = null);
