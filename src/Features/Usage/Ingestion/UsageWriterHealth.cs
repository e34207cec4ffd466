using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenConsole.Features.Usage.Ingestion;

/// <summary>
/// Readiness of the usage writer: healthy while its last write succeeded, or nothing was written yet (idle); unhealthy
/// from a failed commit until a commit (or, with nothing queued, the writer's probe write) succeeds again. The probe is
/// what brings an instance back that a load balancer took out of rotation and so sends no more events to.
/// </summary>
public sealed class UsageWriterHealth : IHealthCheck
{
    private volatile Failure? _failure;

    private sealed record Failure(DateTimeOffset At, string Reason);

    public bool Failing => _failure is not null;

    public void Succeeded() => _failure = null;

    public void Failed(DateTimeOffset at, Exception exception) => _failure = new Failure(at, exception.Message);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_failure is { } failure
            ? HealthCheckResult.Unhealthy($"The last write of usage failed at {failure.At:O}: {failure.Reason}")
            : HealthCheckResult.Healthy("The last write of usage succeeded, or none was due."));
}
