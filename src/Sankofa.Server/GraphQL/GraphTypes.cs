using GraphQL.Types;
using Sankofa.Core.Access;
using Sankofa.Core.Identity;
using Sankofa.Core.Topology;
using Sankofa.Server.Audit;
using Sankofa.Server.Topology;

namespace Sankofa.Server.GraphQL;

/// <summary>core, regional or edge.</summary>
public sealed class SiteTierGraphType : EnumerationGraphType<SiteTier>
{
    /// <summary>Names the enum.</summary>
    public SiteTierGraphType() => Name = "SiteTier";
}

/// <summary>up, degraded or down.</summary>
public sealed class SiteStatusGraphType : EnumerationGraphType<SiteStatus>
{
    /// <summary>Names the enum.</summary>
    public SiteStatusGraphType() => Name = "SiteStatus";
}

/// <summary>vCPU, RAM and disk.</summary>
public sealed class ComputeResourcesGraphType : ObjectGraphType<ComputeResources>
{
    /// <summary>Declares the fields.</summary>
    public ComputeResourcesGraphType()
    {
        Name = "ComputeResources";
        Field(x => x.VCpu).Description("Virtual CPUs.");
        Field(x => x.RamMiB).Description("RAM in MiB.");
        Field(x => x.DiskGiB).Description("Disk in GiB.");
    }
}

/// <summary>A host of a site.</summary>
public sealed class SiteHostGraphType : ObjectGraphType<SiteHostResponse>
{
    /// <summary>Declares the fields.</summary>
    public SiteHostGraphType()
    {
        Name = "SiteHost";
        Field(x => x.Id);
        Field<NonNullGraphType<ComputeResourcesGraphType>>("capacity").Resolve(c => c.Source.Capacity);
        Field<NonNullGraphType<SiteStatusGraphType>>("status").Resolve(c => c.Source.Status);
        Field(x => x.Cores, nullable: true);
        Field(x => x.MemoryBytes, nullable: true);
        Field(x => x.MemoryUsedBytes, nullable: true);
    }
}

/// <summary>A site with its links, capacity and live health.</summary>
public sealed class SiteGraphType : ObjectGraphType<SiteResponse>
{
    /// <summary>Declares the fields.</summary>
    public SiteGraphType()
    {
        Name = "Site";
        Field(x => x.Id);
        Field(x => x.Name);
        Field<NonNullGraphType<SiteTierGraphType>>("tier").Resolve(c => c.Source.Tier);
        Field(x => x.Region);
        Field(x => x.Jurisdiction);
        Field(x => x.Latitude);
        Field(x => x.Longitude);
        Field<NonNullGraphType<SiteStatusGraphType>>("status").Resolve(c => c.Source.Status);
        Field(x => x.StatusSource);
        Field(x => x.Provisionable).Description("Whether Sankofa has a hypervisor to drive there; placement treats a site without one as down.");
        Field(x => x.CheckedAt, nullable: true);
        Field(x => x.ProbeError, nullable: true);
        Field<SiteGraphType>("uplink").Description("The site this one hangs off.").Resolve(c => Link(c, c.Source.Uplink));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SiteGraphType>>>>("adjacent")
            .Description("Nearby sites of the same tier, nearest first.")
            .Resolve(c => c.Source.Adjacent.Select(id => Link(c, id)).OfType<SiteResponse>().ToList());
        Field<NonNullGraphType<ComputeResourcesGraphType>>("capacity").Resolve(c => c.Source.Capacity);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SiteHostGraphType>>>>("hosts").Resolve(c => c.Source.Hosts ?? []);
    }

    private static SiteResponse? Link(global::GraphQL.IResolveFieldContext context, string? siteId)
    {
        if (siteId is null)
        {
            return null;
        }

        var site = context.RequestServices!.GetRequiredService<SiteQueries>().Get(context.Require(Permission.SitesRead), siteId).AnswerOrNull();
        return site is null ? null : SiteResponse.From(site, withHosts: true);
    }
}

/// <summary>A page of sites.</summary>
public sealed class SitePageGraphType : ObjectGraphType<SitePageResponse>
{
    /// <summary>Declares the fields.</summary>
    public SitePageGraphType()
    {
        Name = "SitePage";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SiteGraphType>>>>("items").Resolve(c => c.Source.Items);
        Field(x => x.Next, nullable: true).Description("Pass as 'after' for the next page.");
    }
}

/// <summary>Where an entry sits in the hash chain.</summary>
public sealed class AuditSealGraphType : ObjectGraphType<AuditSealResponse>
{
    /// <summary>Declares the fields.</summary>
    public AuditSealGraphType()
    {
        Name = "AuditSeal";
        Field(x => x.Sequence);
        Field(x => x.PreviousHash);
        Field(x => x.Hash);
        Field(x => x.BatchId);
        Field(x => x.LeafIndex);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("proof").Resolve(c => c.Source.Proof);
    }
}

/// <summary>A Merkle batch and its anchor.</summary>
public sealed class AuditBatchGraphType : ObjectGraphType<AuditBatchResponse>
{
    /// <summary>Declares the fields.</summary>
    public AuditBatchGraphType()
    {
        Name = "AuditBatch";
        Field(x => x.Id);
        Field(x => x.Root);
        Field(x => x.FirstSequence);
        Field(x => x.Count);
        Field(x => x.SealedAt);
        Field<StringGraphType>("anchorTransaction").Resolve(c => c.Source.Anchor?.TransactionHash);
        Field<LongGraphType>("anchorBlock").Resolve(c => c.Source.Anchor?.BlockNumber);
    }
}

/// <summary>An audit entry.</summary>
public sealed class AuditEntryGraphType : ObjectGraphType<AuditEntryResponse>
{
    /// <summary>Declares the fields.</summary>
    public AuditEntryGraphType()
    {
        Name = "AuditEntry";
        Field(x => x.Id);
        Field(x => x.Time);
        Field(x => x.Actor);
        Field(x => x.Action);
        Field(x => x.Subject);
        Field(x => x.Payload, nullable: true);
        Field(x => x.PayloadHash);
        Field(x => x.Status).Description("pending, sealed or anchored.");
        Field<AuditSealGraphType>("seal").Resolve(c => c.Source.Seal);
        Field<AuditBatchGraphType>("batch").Resolve(c => c.Source.Batch);
    }
}

/// <summary>A page of audit entries.</summary>
public sealed class AuditPageGraphType : ObjectGraphType<AuditPageResponse>
{
    /// <summary>Declares the fields.</summary>
    public AuditPageGraphType()
    {
        Name = "AuditPage";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AuditEntryGraphType>>>>("items").Resolve(c => c.Source.Items);
        Field(x => x.Next, nullable: true).Description("Pass as 'before' for the next page.");
    }
}
