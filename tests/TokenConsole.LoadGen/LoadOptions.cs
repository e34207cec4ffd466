using System.Globalization;

namespace TokenConsole.LoadGen;

/// <summary>
/// How event ids look. Gateways send random ids (UUIDs), which land anywhere in the idempotency index; the sequential
/// ones (<c>lg-{pid}-{seq}-…</c>) the generator used to send all land at its right edge and flattered ingestion ~2.5×.
/// </summary>
public enum IdShape
{
    Uuid,
    Sequential,
}

public sealed record LoadOptions(
    Uri Url, string Key, string Database, int Events = 200_000, int Batch = 5_000, int Concurrency = 4, double Rate = 0, double Duplicates = 0.05, int Seed = 7,
    IdShape Ids = IdShape.Uuid)
{
    public static LoadOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        double Number(string name, double fallback) =>
            Value(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var url = Value("--url") ?? throw new ArgumentException("--url is required");
        var options = new LoadOptions(new Uri(url), Value("--key") ?? throw new ArgumentException("--key is required"),
            Value("--db") ?? throw new ArgumentException("--db (the console's SQLite file, to read customers and packages) is required"),
            (int)Number("--events", 200_000), (int)Number("--batch", 5_000), (int)Number("--concurrency", 4), Number("--rate", 0), Number("--duplicates", 0.05),
            (int)Number("--seed", 7), ParseIds(Value("--ids")));
        if (options.Events <= 0 || options.Batch is <= 0 or > 5_000 || options.Concurrency <= 0 || options.Duplicates is < 0 or >= 1 || options.Rate < 0)
        {
            throw new ArgumentException("events > 0, 0 < batch ≤ 5000, concurrency > 0, 0 ≤ duplicates < 1, rate ≥ 0");
        }
        return options;
    }

    public static IdShape ParseIds(string? text) => text switch
    {
        null or "uuid" => IdShape.Uuid,
        "sequential" => IdShape.Sequential,
        _ => throw new ArgumentException($"--ids is uuid or sequential, not '{text}'."),
    };
}
