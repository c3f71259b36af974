using Sankofa.Server.Hosting;

namespace Sankofa.Server.Provisioning;

/// <summary>Wakes the reconciler when a request changed a resource, so it does not wait for its next poll.</summary>
internal sealed class ReconcilerSignal : WakeSignal;
