using System.Collections.Frozen;
using Sankofa.Core.Identity;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>Turns IdentityRegistry's custom errors (the revert data of a refused call) into <see cref="IdentityRefusedException"/>.</summary>
internal static class IdentityRegistryErrors
{
    private sealed record Error(string Name, IdentityRefusal Reason, string[] Arguments, string Meaning) : CustomError(Name, Arguments, Meaning);

    private static readonly FrozenDictionary<string, Error> BySelector = new Error[]
    {
        new("UnknownIdentity", IdentityRefusal.UnknownIdentity, ["bytes32"], "the identity was never registered"),
        new("AlreadyRegistered", IdentityRefusal.AlreadyRegistered, ["bytes32"], "the identity is registered with another subject hash or controller"),
        new("ControllerInUse", IdentityRefusal.ControllerInUse, ["address", "bytes32"], "the controller address belongs to another identity"),
        new("IdentityRevoked", IdentityRefusal.Revoked, ["bytes32"], "the identity is revoked and can never change again nor be registered anew"),
        new("AccessControlUnauthorizedAccount", IdentityRefusal.Unauthorized, ["address", "bytes32"], "the signing key lacks the role this call needs"),
        new("ZeroValue", IdentityRefusal.InvalidValue, [], "a zero id, hash, address or role"),
    }.ToFrozenDictionary(e => e.Selector, StringComparer.Ordinal);

    /// <summary>
    /// The refusal <paramref name="revert"/> carries, for example
    /// "IdentityRegistry refuses reinstate identity 'u-1': IdentityRevoked(0x…), the identity is revoked …".
    /// </summary>
    public static IdentityRefusedException Refusal(string action, JsonRpcException revert) =>
        RevertReason.Decode(BySelector, revert) is (var error, var text)
            ? new IdentityRefusedException(error.Reason, $"IdentityRegistry refuses {action}: {text}.", revert)
            : new IdentityRefusedException(IdentityRefusal.Other, $"IdentityRegistry refuses {action}: {revert.Message}", revert);
}
