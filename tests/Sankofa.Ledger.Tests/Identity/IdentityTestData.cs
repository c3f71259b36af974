using System.Security.Cryptography;
using System.Text;
using Sankofa.Ledger.Hosting;
using Sankofa.Ledger.Resources;
using Sankofa.Ledger.Rpc;

namespace Sankofa.Ledger.Tests.Identity;

/// <summary>Identities for the tests: fresh ids, salted subject hashes and controller addresses, and the registry's events.</summary>
internal static class IdentityTestData
{
    private static readonly byte[] Salt = RandomNumberGenerator.GetBytes(32);

    public static string NewId() => "idn-" + Guid.NewGuid().ToString("N");

    /// <summary>What a control plane would put on chain for a subject: HMAC-SHA256 keyed with a salt it keeps.</summary>
    public static byte[] SubjectHash(string subject) => HMACSHA256.HashData(Salt, Encoding.UTF8.GetBytes(subject));

    public static string NewController() => Hex.Bytes(RandomNumberGenerator.GetBytes(20));

    /// <summary>How many events IdentityRegistry ever emitted about an identity (every event has the id as its first indexed topic).</summary>
    public static async Task<int> EventCountAsync(LedgerConnection connection, string identityId)
    {
        var filter = new
        {
            address = connection.IdentityRegistryAddress,
            fromBlock = "0x0",
            toBlock = "latest",
            topics = new[] { null, Hex.Bytes(LedgerIds.Of(identityId)) },
        };
        var logs = await connection.Rpc.CallAsync("eth_getLogs", CancellationToken.None, filter);
        return logs.GetArrayLength();
    }
}
