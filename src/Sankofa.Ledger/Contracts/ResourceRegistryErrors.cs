using System.Collections.Frozen;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Contracts;

/// <summary>Names ResourceRegistry's custom errors in the message of a refused call, so an operator reads why without decoding a selector.</summary>
internal static class ResourceRegistryErrors
{
    private static readonly FrozenDictionary<string, CustomError> BySelector = new CustomError[]
    {
        new("InvalidTransition", ["bytes32", "uint8", "uint8"], "the transition does not follow from the resource's state"),
        new("Conflict", ["bytes32"], "a repeat of the transition carries other values than the first"),
        new("BadSiteSignature", ["bytes32", "bytes32", "address"], "the site has no registered key, or the signature is not by it"),
        new("ZeroValue", [], "a zero id, hash or key"),
        new("BadSiteKeyProof", ["bytes32", "address", "address"], "the proof is not the key's signature over siteKeyDigest(site, key) on this contract and chain"),
        new("BadRotationSignature", ["bytes32", "address", "address"], "the rotation is not signed by the site's current key"),
        new("SiteKeyAlreadySet", ["bytes32", "address"], "the site has another key: rotate it with that key's signature, or revoke it first"),
        new("NoSiteKey", ["bytes32"], "the site has no key to rotate"),
        new("SiteKeyReused", ["address", "bytes32"], "the key was registered before (rotated away, revoked or another site's) and is never registered again"),
        new("AccessControlUnauthorizedAccount", ["address", "bytes32"], "the signing key lacks the role this call needs"),
        new("EnforcedPause", [], "the registry is paused"),
    }.ToFrozenDictionary(e => e.Selector, StringComparer.Ordinal);

    /// <summary>"Name(0x…, …), meaning (node's message)" for a known error, else the node's message.</summary>
    public static string Describe(JsonRpcException revert) =>
        RevertReason.Decode(BySelector, revert) is (_, var text) ? $"{text} ({revert.Message})" : revert.Message;
}
