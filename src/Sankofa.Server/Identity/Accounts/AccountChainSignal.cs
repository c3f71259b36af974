using Sankofa.Server.Hosting;

namespace Sankofa.Server.Identity.Accounts;

/// <summary>Wakes the chain worker when a change queued steps, so registration does not wait for the next poll.</summary>
internal sealed class AccountChainSignal : WakeSignal;
