using System.Buffers;
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
        // Rented: a request's valid events are 400 KB at 5,000 per request, which the runtime would allocate on the large
        // object heap and collect in full collections, one per few requests at 100,000 events/s.
        var valid = ArrayPool<ValidUsageEvent>.Shared.Rent(Math.Max(1, events.Count));
        var count = 0;
        var returnToPool = true;
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (UsageValidator.Validate(events[i], i, current, now, options.Value, errors) is { } e)
                {
                    valid[count++] = e;
                }
            }
            if (count == 0)
            {
                return new IngestionOutcome(IngestionStatus.Stored, new IngestionResult(0, 0, errors.Count, errors));
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (!writer.TryEnqueue(new ArraySegment<ValidUsageEvent>(valid, 0, count), out var completion))
            {
                return new IngestionOutcome(IngestionStatus.Saturated, null);
            }
            try
            {
                // Not cancelled with the request: once queued, the batch is written and the outcome is known either way.
                var written = await completion.WaitAsync(TimeSpan.FromMinutes(2), CancellationToken.None);
                return new IngestionOutcome(IngestionStatus.Stored, new IngestionResult(written.Accepted, written.Duplicates, errors.Count, errors));
            }
            catch (TimeoutException)
            {
                // The writer may still read the events: the array is left to the garbage collector, not reused.
                returnToPool = false;
                return new IngestionOutcome(IngestionStatus.Failed, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The writer failed the batch (whatever the cause): nothing of it was stored, the client retries on 503.
                return new IngestionOutcome(IngestionStatus.Failed, null);
            }
        }
        finally
        {
            if (returnToPool)
            {
                ArrayPool<ValidUsageEvent>.Shared.Return(valid, clearArray: true);
            }
        }
    }
}
