namespace TokenConsole.Features.Customers;

/// <summary>
/// Where threshold notifications go (<c>Notifications</c> in configuration). With no URL, or no secret to sign with,
/// nothing is sent: the messages wait in the outbox until both are configured.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The operator's SMS gateway (or any receiver): each message is POSTed here as JSON.</summary>
    public string WebhookUrl { get; set; } = "";
    /// <summary>The shared secret of the HMAC-SHA256 signature. From configuration or a secret store, never from the repository.</summary>
    public string WebhookSecret { get; set; } = "";
    /// <summary>Messages taken per round; a full batch is followed at once by the next.</summary>
    public int BatchSize { get; set; } = 20;
    /// <summary>How often the outbox is looked at when it had nothing (more) to send.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How long one delivery may take before it counts as failed (and is retried later).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsConfigured => Uri.TryCreate(WebhookUrl, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(WebhookSecret);
}
