namespace TokenConsole.Data.Writes;

/// <summary>A message key and its arguments, localized by the page (the key is the English text of the resource).</summary>
public sealed record FieldMessage(string Key, params object[] Args);

/// <summary>
/// Why a change was not made; nothing of it was saved. <see cref="Code"/> is the resource key the page localizes with
/// <see cref="Args"/>; <see cref="Field"/> names the form field it belongs next to (null: the whole form);
/// <see cref="Conflict"/> means someone else changed the same thing first, and the page offers to reload.
/// </summary>
public sealed record Refusal(string Code, string? Field = null, params object[] Args)
{
    public bool Conflict { get; init; }

    /// <summary>Several fields at once (a whole form validated), each with its messages.</summary>
    public IReadOnlyDictionary<string, List<FieldMessage>>? Fields { get; init; }

    /// <summary>What the person must see and confirm before the change goes through (package names, model names …).</summary>
    public IReadOnlyList<string> NeedsConfirmation { get; init; } = [];

    /// <summary>Detail lines that come from a library in its own words (e.g. Identity's password rules).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    public const string ForbiddenCode = "You are not allowed to do this.";
    public const string StaleCode = "Someone else changed this after you opened it. Reload to see their changes; yours were not saved.";
    public const string NotSavedCode = "The change could not be saved, and nothing of it was. Try again; if it keeps failing, tell an administrator.";

    public static readonly Refusal Forbidden = new(ForbiddenCode);
    public static readonly Refusal Stale = new(StaleCode) { Conflict = true };
    public static readonly Refusal NotSaved = new(NotSavedCode);
}

/// <summary>The result of every change: done (with a value and warnings to show) or refused, and then nothing was saved.</summary>
public sealed record WriteResult<T>
{
    internal WriteResult(T? value, Refusal? refusal, IReadOnlyList<string> warnings) => (Value, Refusal, Warnings) = (value, refusal, warnings);

    public T? Value { get; }
    public Refusal? Refusal { get; }
    /// <summary>Display-ready warnings the person should read, whether or not the change went through.</summary>
    public IReadOnlyList<string> Warnings { get; init; }
    public bool Succeeded => Refusal is null;
    public bool Conflict => Refusal?.Conflict == true;

    public static implicit operator WriteResult<T>(Refusal refusal) => new(default, refusal, []);
    public static implicit operator WriteResult<T>(T value) => new(value, null, []);
}

public static class WriteResult
{
    public static WriteResult<T> Ok<T>(T value) => new(value, null, []);
    public static WriteResult<T> Refused<T>(Refusal refusal) => new(default, refusal, []);
}

/// <summary>The value of a change that returns nothing but its success.</summary>
public readonly record struct Done
{
    public static readonly Done Value;
}
