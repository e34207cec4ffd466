using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TokenConsole.Auth;
using TokenConsole.Data;
using TokenConsole.Data.Writes;
using TokenConsole.Features.Admin;

namespace TokenConsole.Features.Usage;

/// <summary>What the audit log records of one CSV import: the file and what became of its rows.</summary>
public sealed record UsageImportSnapshot(string FileName, long Rows, long Accepted, long Duplicates, long Rejected, bool Completed);

/// <summary>A past import as the history shows it: when, who (by name), and what became of the file's rows.</summary>
public sealed record UsageImportRecord(DateTimeOffset At, string ActorName, UsageImportSnapshot Import);

/// <summary>
/// Audits CSV imports, once at the end of each. The events themselves are not written here: they go through the usage
/// writer (<see cref="Ingestion.UsageWriter"/>) in its own batched transactions, exactly as the API's, so an import's
/// events are durable chunk by chunk and a retried file is deduplicated. This entry says who imported which file and
/// what became of its rows; it goes through the one write path, so the person's current role is checked again here.
/// </summary>
public sealed class UsageImportAudit(AuditedWriter writer, IDbContextFactory<TokenConsoleDbContext> dbFactory)
{
    /// <summary>
    /// The latest imports, newest first, read from their audit entries: the audit log is the record of what was imported,
    /// so the history needs no table of its own and cannot disagree with it.
    /// </summary>
    public async Task<IReadOnlyList<UsageImportRecord>> HistoryAsync(int take = 20, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entries = await db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditActions.UsageImported && e.AfterJson != null)
            .OrderByDescending(e => e.Id).Take(take).Select(e => new { e.At, e.ActorName, e.AfterJson }).ToListAsync(cancellationToken);
        return [.. entries.Select(e => JsonSerializer.Deserialize<UsageImportSnapshot>(e.AfterJson!, Audit.Json) is { } import
                ? new UsageImportRecord(e.At, e.ActorName, import) : null).OfType<UsageImportRecord>()];
    }

    /// <summary>Whether the person may import now (checked before reading the file, so a demoted person stops at once).</summary>
    public Task<Refusal?> MayImportAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        writer.AuthorizeAsync(user, Policies.ImportUsage, cancellationToken);

    public Task<WriteResult<Done>> RecordAsync(ClaimsPrincipal user, UsageImportSnapshot import, CancellationToken cancellationToken = default) =>
        writer.WriteAsync<Done>(user, Policies.ImportUsage, w =>
        {
            w.Audit(AuditActions.UsageImported, "UsageImport", import.FileName, after: import);
            return Task.FromResult<WriteResult<Done>>(Done.Value);
        }, cancellationToken);
}
