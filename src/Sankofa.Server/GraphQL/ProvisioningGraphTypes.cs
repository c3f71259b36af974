using GraphQL.Types;
using Sankofa.Core.Placement;
using Sankofa.Core.Provisioning;
using Sankofa.Core.Topology;
using Sankofa.Server.Provisioning;
using Sankofa.Server.Tenancy;

namespace Sankofa.Server.GraphQL;

/// <summary>vCPU, RAM, disk and VM count of a quota or its usage.</summary>
public sealed class QuotaGraphType : ObjectGraphType<QuotaBody>
{
    /// <summary>Declares the fields.</summary>
    public QuotaGraphType()
    {
        Name = "Quota";
        Field(x => x.Vcpu);
        Field(x => x.RamMiB);
        Field(x => x.DiskGiB);
        Field(x => x.Vms);
    }
}

/// <summary>A tenant with quota, usage and what is left.</summary>
public sealed class TenantGraphType : ObjectGraphType<TenantResponse>
{
    /// <summary>Declares the fields.</summary>
    public TenantGraphType()
    {
        Name = "Tenant";
        Field(x => x.Id);
        Field(x => x.Name);
        Field<NonNullGraphType<QuotaGraphType>>("quota").Resolve(c => c.Source.Quota);
        Field<NonNullGraphType<QuotaGraphType>>("usage").Resolve(c => c.Source.Usage);
        Field<NonNullGraphType<QuotaGraphType>>("remaining").Resolve(c => c.Source.Remaining);
    }
}

/// <summary>A project with quota, usage and what is left.</summary>
public sealed class ProjectGraphType : ObjectGraphType<ProjectResponse>
{
    /// <summary>Declares the fields.</summary>
    public ProjectGraphType()
    {
        Name = "Project";
        Field(x => x.Id);
        Field(x => x.TenantId);
        Field(x => x.Name);
        Field<NonNullGraphType<QuotaGraphType>>("quota").Resolve(c => c.Source.Quota);
        Field<NonNullGraphType<QuotaGraphType>>("usage").Resolve(c => c.Source.Usage);
        Field<NonNullGraphType<QuotaGraphType>>("remaining").Resolve(c => c.Source.Remaining);
    }
}

/// <summary>A candidate site the placement did not choose, and why.</summary>
public sealed class RejectedCandidateGraphType : ObjectGraphType<RejectedExplanation>
{
    /// <summary>Declares the fields.</summary>
    public RejectedCandidateGraphType()
    {
        Name = "RejectedCandidate";
        Field(x => x.SiteId);
        Field(x => x.DistanceKm, nullable: true);
        Field(x => x.EstimatedRttMs, nullable: true);
        Field(x => x.Reason);
        Field(x => x.Detail);
    }
}

/// <summary>Where a resource goes and why.</summary>
public sealed class PlacementGraphType : ObjectGraphType<PlacementExplanation>
{
    /// <summary>Declares the fields.</summary>
    public PlacementGraphType()
    {
        Name = "Placement";
        Field(x => x.SiteId);
        Field(x => x.SiteName);
        Field(x => x.Tier);
        Field(x => x.Jurisdiction);
        Field(x => x.HostId);
        Field(x => x.DistanceKm, nullable: true);
        Field(x => x.EstimatedRttMs, nullable: true);
        Field(x => x.Score);
        Field(x => x.Reason);
        Field(x => x.Failover, nullable: true);
        Field(x => x.AntiAffinityGroup, nullable: true);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RejectedCandidateGraphType>>>>("rejected").Resolve(c => c.Source.Rejected);
    }
}

/// <summary>What a VM is.</summary>
public sealed class SpecGraphType : ObjectGraphType<SpecResponse>
{
    /// <summary>Declares the fields.</summary>
    public SpecGraphType()
    {
        Name = "Spec";
        Field(x => x.Vcpu);
        Field(x => x.RamMiB);
        Field(x => x.DiskGiB);
        Field(x => x.Template);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("sshKeys").Resolve(c => c.Source.SshKeys);
        Field(x => x.CloudInitUser, nullable: true);
    }
}

/// <summary>One entry of a resource's history.</summary>
public sealed class ResourceEventGraphType : ObjectGraphType<EventResponse>
{
    /// <summary>Declares the fields.</summary>
    public ResourceEventGraphType()
    {
        Name = "ResourceEvent";
        Field(x => x.Time);
        Field<NonNullGraphType<StringGraphType>>("status").Resolve(c => Camel(c.Source.Status.ToString()));
        Field(x => x.Kind);
        Field(x => x.Message);
    }

    internal static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>A resource (VM) with its placement and lifecycle.</summary>
public sealed class ResourceGraphType : ObjectGraphType<ResourceResponse>
{
    /// <summary>Declares the fields.</summary>
    public ResourceGraphType()
    {
        Name = "Resource";
        Field(x => x.Id);
        Field(x => x.TenantId);
        Field(x => x.ProjectId);
        Field(x => x.Name);
        Field<NonNullGraphType<SpecGraphType>>("spec").Resolve(c => c.Source.Spec);
        Field(x => x.SpecHash);
        Field<NonNullGraphType<StringGraphType>>("desired").Resolve(c => ResourceEventGraphType.Camel(c.Source.Desired.ToString()));
        Field<NonNullGraphType<StringGraphType>>("status").Resolve(c => ResourceEventGraphType.Camel(c.Source.Status.ToString()));
        Field(x => x.FailureReason, nullable: true);
        Field<NonNullGraphType<PlacementGraphType>>("placement").Resolve(c => c.Source.Placement);
        Field<StringGraphType>("vmSite").Resolve(c => c.Source.Vm?.Site);
        Field<StringGraphType>("vmNode").Resolve(c => c.Source.Vm?.Node);
        Field<IntGraphType>("vmId").Resolve(c => c.Source.Vm?.VmId);
        Field(x => x.CreatedAt);
        Field(x => x.UpdatedAt);
        Field(x => x.VerifiedAt, nullable: true);
        Field(x => x.DeletedAt, nullable: true);
        Field<ListGraphType<NonNullGraphType<ResourceEventGraphType>>>("events").Description("History, oldest first (one resource only).").Resolve(c => c.Source.Events);
    }
}

/// <summary>A page of resources.</summary>
public sealed class ResourcePageGraphType : ObjectGraphType<ResourcePageResponse>
{
    /// <summary>Declares the fields.</summary>
    public ResourcePageGraphType()
    {
        Name = "ResourcePage";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResourceGraphType>>>>("items").Resolve(c => c.Source.Items);
        Field(x => x.Next, nullable: true).Description("Newest first only: pass as 'before' for the next page.");
        Field(x => x.NextCursor, nullable: true).Description("Pass as 'cursor' (with the same sort and order) for the next page.");
    }
}

/// <summary>A location for a latency target.</summary>
public sealed class LocationInputGraphType : InputObjectGraphType<LocationBody>
{
    /// <summary>Declares the fields.</summary>
    public LocationInputGraphType()
    {
        Name = "LocationInput";
        Field<FloatGraphType>("latitude");
        Field<FloatGraphType>("longitude");
    }

    /// <inheritdoc />
    public override object ParseDictionary(IDictionary<string, object?> value) =>
        new LocationBody(value.TryGetValue("latitude", out var lat) ? Convert.ToDouble(lat, System.Globalization.CultureInfo.InvariantCulture) : null,
            value.TryGetValue("longitude", out var lon) ? Convert.ToDouble(lon, System.Globalization.CultureInfo.InvariantCulture) : null);
}

/// <summary>The same request body as <c>POST /api/v1/resources</c>.</summary>
public sealed class ResourceInputGraphType : InputObjectGraphType<ResourceRequestBody>
{
    /// <summary>Declares the fields.</summary>
    public ResourceInputGraphType()
    {
        Name = "ResourceInput";
        Field<StringGraphType>("projectId");
        Field<StringGraphType>("name");
        Field<IntGraphType>("vcpu");
        Field<LongGraphType>("ramMiB");
        Field<LongGraphType>("diskGiB");
        Field<StringGraphType>("template");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("sshKeys");
        Field<StringGraphType>("cloudInitUser");
        Field<SiteTierGraphType>("tier");
        Field<LocationInputGraphType>("userLocation");
        Field<FloatGraphType>("maxRttMs");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("allowedJurisdictions");
        Field<StringGraphType>("antiAffinityGroup");
        Field<StringGraphType>("siteId");
        Field<BooleanGraphType>("requireVerifiedHardware").Description("Only hosts whose hardware custody has no gap nor failed inspection (docs/hardware.md).");
    }

    /// <inheritdoc />
    public override object ParseDictionary(IDictionary<string, object?> value)
    {
        T? Get<T>(string key) => value.TryGetValue(key, out var v) && v is not null ? (T)Convert.ChangeType(v, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture) : default;
        IReadOnlyList<string>? List(string key) => value.TryGetValue(key, out var v) && v is IEnumerable<object?> items ? items.Select(i => (string)i!).ToList() : null;
        return new ResourceRequestBody(
            Get<string>("projectId"), Get<string>("name"), Get<int?>("vcpu"), Get<long?>("ramMiB"), Get<long?>("diskGiB"), Get<string>("template"),
            List("sshKeys"), Get<string>("cloudInitUser"), value.TryGetValue("tier", out var tier) ? (SiteTier?)tier : null,
            value.TryGetValue("userLocation", out var location) ? (LocationBody?)location : null, Get<double?>("maxRttMs"),
            List("allowedJurisdictions"), Get<string>("antiAffinityGroup"), AntiAffinityScope.Host, Get<string>("siteId"),
            Get<bool?>("requireVerifiedHardware"));
    }
}
