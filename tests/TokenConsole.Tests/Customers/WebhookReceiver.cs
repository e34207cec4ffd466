using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TokenConsole.Tests.Customers;

/// <summary>
/// A real HTTP receiver on a loopback port (Kestrel), as the operator's SMS gateway would be: it checks each request's
/// signature itself (HMAC-SHA256 of "{timestamp}.{body}", written here from the specification, not with the console's
/// helper), records what it got and answers with the next scripted status (200 once the script is used up).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses;

    private WebhookReceiver(WebApplication app, IEnumerable<int> statuses)
    {
        _app = app;
        _statuses = new ConcurrentQueue<int>(statuses);
    }

    public sealed record Request(string IdempotencyKey, string Timestamp, string Signature, string Body, bool SignatureValid, int Answered);

    public ConcurrentQueue<Request> Received { get; } = new();
    public string Url { get; private set; } = "";
    /// <summary>How long each answer is held back (to overlap two dispatchers, or to outlast a timeout).</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<WebhookReceiver> StartAsync(string secret, params int[] statuses)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, statuses);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var timestamp = request.Headers["X-TokenConsole-Timestamp"].ToString();
            var signature = request.Headers["X-TokenConsole-Signature"].ToString();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
            if (receiver.Delay > TimeSpan.Zero)
            {
                await Task.Delay(receiver.Delay);
            }
            var status = receiver._statuses.TryDequeue(out var next) ? next : 200;
            receiver.Received.Enqueue(new Request(request.Headers["Idempotency-Key"].ToString(), timestamp, signature, body, signature == expected, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver.Url = app.Urls.First().TrimEnd('/') + "/hook";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TestContext.Current.CancellationToken);
        await _app.DisposeAsync();
    }
}
