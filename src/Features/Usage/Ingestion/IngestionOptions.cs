namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>The <c>Ingestion</c> section: limits of the usage API and keys provisioned by configuration.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    public int MaxEventsPerRequest { get; set; } = 5_000;
    public long MaxBodyBytes { get; set; } = 8 * 1024 * 1024;
    /// <summary>Events older than this are refused: they are outside the window in which duplicates are recognised.</summary>
    public int AcceptedWindowDays { get; set; } = 30;
    /// <summary>
    /// Raw events are kept this long, whole UTC days at a time (the idempotency window; longer than
    /// <see cref="AcceptedWindowDays"/>, at most <see cref="MaxEventRetentionDays"/>); rollups are kept for good.
    /// </summary>
    public int EventRetentionDays { get; set; } = 40;
    public const int MaxEventRetentionDays = 400;
    public int FutureSkewMinutes { get; set; } = 5;
    /// <summary>Batches waiting for the writer; when full, clients get 429 with Retry-After instead of an unbounded queue.</summary>
    public int QueueCapacity { get; set; } = 32;
    /// <summary>
    /// How long the writer waits for a lock another connection holds before a write fails (the batch's requests get 503
    /// with Retry-After and nothing of them is stored).
    /// </summary>
    public int BusyTimeoutSeconds { get; set; } = 30;
    /// <summary>How often the writer looks for days of raw events older than <see cref="EventRetentionDays"/> to drop.</summary>
    public int EventRetentionIntervalMinutes { get; set; } = 60;
    /// <summary>
    /// The usage writer binds each row by calling SQLite's C functions directly (the default, checked at start-up against
    /// the library SQLitePCL loaded); false binds through SQLitePCL alone: slower, for a SQLite bundle the check refuses.
    /// </summary>
    public bool NativeBinding { get; set; } = true;
    /// <summary>Keys accepted besides those created in the Admin area; hashed at start, never stored in plain text.</summary>
    public List<string> ApiKeys { get; set; } = [];
}
