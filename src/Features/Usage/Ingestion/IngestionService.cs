using Microsoft.Extensions.Options;

namespace TokenConsole.Features.Usage.Ingestion;

public enum IngestionStatus { Stored, Saturated, Failed }

public sealed record IngestionOutcome(IngestionStatus Status, IngestionResult? Result);

/// <summary>
/// The one path by which usage enters: validates each event, hands the valid ones to the writer and reports what
/// happened to each. The HTTP API and the CSV import both use it.
/// </summary>
public sealed class IngestionService(UsageReferenceProvider reference, UsageWriter writer, TimeProvider clock, IOptions<IngestionOptions> options)
{
    public async Task<IngestionOutcome> IngestAsync(IReadOnlyList<UsageEventRequest?> events, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var current = reference.Current;
        var errors = new List<IngestionError>();
        var valid = new List<ValidUsageEvent>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (UsageValidator.Validate(events[i], i, current, now, options.Value, errors) is { } e)
            {
                valid.Add(e);
            }
        }
        if (valid.Count == 0)
        {
            return new IngestionOutcome(IngestionStatus.Stored, new IngestionResult(0, 0, errors.Count, errors));
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (!writer.TryEnqueue(valid, out var completion))
        {
            return new IngestionOutcome(IngestionStatus.Saturated, null);
        }
        try
        {
            // Not cancelled with the request: once queued, the batch is written and the outcome is known either way.
            var written = await completion.WaitAsync(TimeSpan.FromMinutes(2), CancellationToken.None);
            return new IngestionOutcome(IngestionStatus.Stored, new IngestionResult(written.Accepted, written.Duplicates, errors.Count, errors));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or TimeoutException)
        {
            return new IngestionOutcome(IngestionStatus.Failed, null);
        }
    }
}
