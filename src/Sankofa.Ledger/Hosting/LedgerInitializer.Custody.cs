using Microsoft.Extensions.Logging;
using Sankofa.Ledger.Contracts;

namespace Sankofa.Ledger.Hosting;

internal sealed partial class LedgerInitializer
{
    /// <summary>
    /// SankofaCustody: <c>Ledger:CustodyAddress</c>, else the one recorded for this chain when its code is still there
    /// and it reads the IdentityRegistry in use, else deployed now bound to <paramref name="identityRegistry"/> and
    /// recorded. A recorded contract without code, or bound to another registry, is redeployed on the embedded chain and
    /// refused on a configured node (redeploying there would drop every asset's custody: the operator decides).
    /// </summary>
    private async Task<string> ResolveCustodyAsync(
        long chainId, bool embedded, string auditAnchor, string resourceRegistry, string identityRegistry, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(_options.CustodyAddress))
        {
            if (!await AuditAnchorCalls.HasCodeAsync(_rpc!, _options.CustodyAddress, cancellationToken).ConfigureAwait(false))
            {
                throw new LedgerConfigurationException("Ledger:CustodyAddress",
                    $"No contract code at {_options.CustodyAddress} on chain {chainId}. Fix the address, or remove the setting to let Sankofa deploy one.", null);
            }

            return await BoundToAsync(_options.CustodyAddress, identityRegistry, cancellationToken).ConfigureAwait(false) is { } other
                ? throw CustodyNotBound(_options.CustodyAddress, other, identityRegistry)
                : _options.CustodyAddress;
        }

        var record = await DeploymentRecord.LoadAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        if (record is { Custody: { } recorded } && record.ChainId == chainId)
        {
            if (await AuditAnchorCalls.HasCodeAsync(_rpc!, recorded, cancellationToken).ConfigureAwait(false))
            {
                var other = await BoundToAsync(recorded, identityRegistry, cancellationToken).ConfigureAwait(false);
                if (other is null)
                {
                    return recorded;
                }

                if (!embedded)
                {
                    throw CustodyNotBound(recorded, other, identityRegistry);
                }

                CustodyLog.Rebound(_logger, recorded, other);
            }
            else if (!embedded)
            {
                throw new LedgerConfigurationException("Ledger:RpcUrl",
                    $"The SankofaCustody contract recorded in {_paths.Deployment} ({recorded}) has no code on the chain at {_options.RpcUrl}. "
                    + "Point Ledger:RpcUrl at the chain it was deployed on, set Ledger:CustodyAddress, or remove \"custody\" from the file to deploy anew.", null);
            }
        }

        var initialize = Custody.CustodyFunctions.Initialize(_key!.Address, identityRegistry);
        var generation = record?.Generation ?? 0;
        var deployed = await DeployAsync("SankofaCustody", ContractArtifact.SankofaCustody, chainId, generation, cancellationToken, initialize).ConfigureAwait(false);
        var updated = record is not null && record.ChainId == chainId
            ? record with { Custody = deployed.Address }
            : new DeploymentRecord(chainId, auditAnchor, _key.Address, deployed.BlockNumber, generation, resourceRegistry, identityRegistry, Custody: deployed.Address);
        await updated.SaveAsync(_paths.Deployment, cancellationToken).ConfigureAwait(false);
        return deployed.Address;
    }

    private static LedgerConfigurationException CustodyNotBound(string custody, string bound, string identityRegistry) => new("Ledger:CustodyAddress",
        $"The SankofaCustody contract at {custody} reads identities from {bound}, not from the IdentityRegistry in use ({identityRegistry}). "
        + "Point Ledger:CustodyAddress (or \"custody\" in deployment.json) at one bound to it, or remove it to deploy one.", null);

    private static partial class CustodyLog
    {
        [LoggerMessage(60, LogLevel.Warning, "The SankofaCustody contract at {Address} reads identities from {Bound}, an IdentityRegistry no longer in use; deploying a new one on the embedded chain")]
        public static partial void Rebound(ILogger logger, string address, string bound);
    }
}
