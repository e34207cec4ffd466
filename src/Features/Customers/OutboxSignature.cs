using System.Security.Cryptography;
using System.Text;

namespace TokenConsole.Features.Customers;

/// <summary>
/// The webhook's signature: <c>X-TokenConsole-Signature: sha256=&lt;hex HMAC-SHA256 of "{timestamp}.{body}"&gt;</c> with
/// the shared secret, <c>{timestamp}</c> being the <c>X-TokenConsole-Timestamp</c> header (Unix seconds). Signing the
/// timestamp with the body lets a receiver refuse a replayed request by its age (the scheme Stripe and GitHub use).
/// </summary>
public static class OutboxSignature
{
    public const string TimestampHeader = "X-TokenConsole-Timestamp";
    public const string SignatureHeader = "X-TokenConsole-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";

    public static string Compute(string secret, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>What a receiver does: recompute and compare in constant time.</summary>
    public static bool Verify(string secret, string timestamp, string body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Compute(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}
