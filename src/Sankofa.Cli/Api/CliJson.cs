using System.Text.Json;
using System.Text.Json.Serialization;
using Sankofa.Core.Ledger;
using Sankofa.Server.Billing;

namespace Sankofa.Cli.Api;

/// <summary>
/// Serialisation code generated at build time for the answers a short-lived command reads in bulk: with reflection,
/// each process first builds (and JIT-compiles) its readers, which a one-shot <c>sankofa billing verify</c> pays for on
/// every run. Every other type falls back to reflection (see <see cref="SankofaApiClient.Json"/>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(InvoiceEvidenceResponse))]
[JsonSerializable(typeof(InvoiceResponse))]
[JsonSerializable(typeof(PriceBookResponse))]
[JsonSerializable(typeof(LedgerStatus))]
internal sealed partial class CliJson : JsonSerializerContext;
