using Microsoft.AspNetCore.Components.Server.Circuits;

namespace TokenConsole.Components;

/// <summary>Counts the open Blazor circuits, for the circuit-memory benchmark.</summary>
public sealed class CircuitCounter : CircuitHandler
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _open);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref _open);
        return Task.CompletedTask;
    }
}

public static class CircuitMemory
{
    private static bool Enabled(IConfiguration configuration) => configuration.GetValue<bool>("Diagnostics:CircuitMemory");

    /// <summary>Counts circuits only when the benchmark asks for it: no handler runs on every circuit otherwise.</summary>
    public static void AddCircuitMemory(this IHostApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration))
        {
            return;
        }
        builder.Services.AddSingleton<CircuitCounter>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<CircuitCounter>());
    }

    /// <summary>
    /// With <c>Diagnostics:CircuitMemory=true</c> only (the benchmark sets it; off by default), <c>GET /diagnostics/memory</c>
    /// answers loopback callers with the managed heap after a full collection and the open circuits. A full GC stalls the
    /// server, which is why it is neither on by default nor reachable from another machine.
    /// </summary>
    public static void MapCircuitMemory(this IEndpointRouteBuilder endpoints)
    {
        if (!Enabled(endpoints.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            return;
        }
        endpoints.MapGet("/diagnostics/memory", (HttpContext http, CircuitCounter circuits) =>
        {
            if (http.Connection.RemoteIpAddress is not { } address || !System.Net.IPAddress.IsLoopback(address))
            {
                return Results.NotFound();
            }
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Results.Ok(new { HeapBytes = GC.GetTotalMemory(forceFullCollection: false), OpenCircuits = circuits.Open });
        }).AllowAnonymous();
    }
}
