using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace TokenConsole.LoadGen;

public sealed record LoadReport(int Sent, int Accepted, int Duplicates, int Rejected, int Throttled, int Failed, double Seconds, double P50Ms, double P95Ms, double P99Ms)
{
    public double AcceptedPerSecond => (Accepted + Duplicates) / Seconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"sent {Sent:N0} events in {Seconds:0.00} s = {AcceptedPerSecond:N0} events/s stored or recognised; accepted {Accepted:N0}, duplicates {Duplicates:N0}, rejected {Rejected:N0}, " +
        $"429 {Throttled}, failed requests {Failed}; request latency p50 {P50Ms:0} ms, p95 {P95Ms:0} ms, p99 {P99Ms:0} ms");
}

/// <summary>Posts batches concurrently (optionally at a fixed rate), retries 429s after Retry-After, and measures.</summary>
public static class LoadGenerator
{
    public static async Task<LoadReport> RunAsync(LoadOptions options, TextWriter log, CancellationToken cancellationToken) =>
        await RunAsync(options, await PrepareAsync(options, cancellationToken), log, cancellationToken);

    /// <summary>The request bodies, made before sending, so that the measurement is the server's work, not the generator's.</summary>
    public static async Task<IReadOnlyList<byte[]>> PrepareAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var source = await UsageSource.LoadAsync(options.Database, options.Seed, cancellationToken);
        var batches = (options.Events + options.Batch - 1) / options.Batch;
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, batches).Select(b => source.NextBatch(Math.Min(options.Batch, options.Events - b * options.Batch), options.Duplicates, now, options.Ids))];
    }

    public static async Task<LoadReport> RunAsync(LoadOptions options, IReadOnlyList<byte[]> bodies, TextWriter log, CancellationToken cancellationToken)
    {
        var batches = bodies.Count;
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2 }) { BaseAddress = options.Url, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", options.Key);

        var latencies = new List<double>(batches);
        int accepted = 0, duplicates = 0, rejected = 0, throttled = 0, failed = 0, next = -1;
        var stopwatch = Stopwatch.StartNew();
        async Task WorkerAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < bodies.Count)
            {
                if (options.Rate > 0)
                {
                    // Paced: batch i may not start before i × batch / rate seconds.
                    var due = TimeSpan.FromSeconds(index * (double)options.Batch / options.Rate) - stopwatch.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, cancellationToken);
                    }
                }
                while (true)
                {
                    var started = stopwatch.Elapsed;
                    using var content = new ByteArrayContent(bodies[index]);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(new Uri("/api/v1/usage/events", UriKind.Relative), content, cancellationToken);
                    var elapsed = (stopwatch.Elapsed - started).TotalMilliseconds;
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref throttled);
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
                        continue;
                    }
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failed);
                        await log.WriteLineAsync($"batch {index}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                        break;
                    }
                    using var result = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
                    Interlocked.Add(ref accepted, result.RootElement.GetProperty("accepted").GetInt32());
                    Interlocked.Add(ref duplicates, result.RootElement.GetProperty("duplicates").GetInt32());
                    Interlocked.Add(ref rejected, result.RootElement.GetProperty("rejected").GetInt32());
                    lock (latencies)
                    {
                        latencies.Add(elapsed);
                    }
                    break;
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(WorkerAsync, cancellationToken)));
        var seconds = stopwatch.Elapsed.TotalSeconds;
        latencies.Sort();
        double Percentile(double p) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        return new LoadReport(options.Events, accepted, duplicates, rejected, throttled, failed, seconds, Percentile(0.5), Percentile(0.95), Percentile(0.99));
    }
}
