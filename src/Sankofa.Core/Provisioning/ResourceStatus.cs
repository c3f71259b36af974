namespace Sankofa.Core.Provisioning;

/// <summary>Where a resource is in its lifecycle, as the control plane observed it last.</summary>
public enum ResourceStatus
{
    /// <summary>Accepted and placed by the control plane; not yet recorded on chain.</summary>
    Requested,

    /// <summary>Request and placement recorded on chain.</summary>
    Placed,

    /// <summary>The VM is being cloned, configured and started on the site's hypervisor.</summary>
    Provisioning,

    /// <summary>The VM runs and the control plane attested its spec on chain.</summary>
    Provisioned,

    /// <summary>The site attested the same spec hash with its own key; the chain says Verified.</summary>
    Verified,

    /// <summary>Deletion requested; the VM is being shut down and destroyed.</summary>
    Deleting,

    /// <summary>The VM is gone and the deletion is recorded on chain.</summary>
    Deleted,

    /// <summary>Provisioning gave up (see the failure reason); anything it created was rolled back.</summary>
    Failed,

    /// <summary>
    /// A Verified VM was given a new spec (a resize), not yet recorded on chain; it then goes through Provisioning and
    /// Provisioned again (the VM is changed in place, restarted when its CPU or memory change) until both attest the new spec.
    /// </summary>
    Resizing,
}

/// <summary>What the owner wants: the reconciler drives the observed state towards it.</summary>
public enum DesiredState
{
    /// <summary>The VM should exist and run.</summary>
    Present,

    /// <summary>The VM should not exist.</summary>
    Absent,
}
