using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace TokenConsole.Components.Shared;

public sealed partial class FilterSelect<T>
{
    private static int _instances;

    private readonly string _id = $"tc-select-{Interlocked.Increment(ref _instances)}";
    private ElementReference _combobox;
    private bool _open;
    private int _active = -1;
    private bool _revealActive;
    /// <summary>The options, read from <see cref="Items"/> only while the list is open and dropped when it closes.</summary>
    private List<(T Value, string Text)> _options = [];

    [Parameter, EditorRequired] public string Label { get; set; } = "";
    [Parameter] public T Value { get; set; } = default!;
    [Parameter] public EventCallback<T> ValueChanged { get; set; }

    /// <summary>The choices with their text; enumerated for the selected value's text and when the list opens, never kept.</summary>
    [Parameter, EditorRequired] public IEnumerable<(T Value, string Text)> Items { get; set; } = [];

    /// <summary>Offers a button that sets the value back to its default (no filter).</summary>
    [Parameter] public bool Clearable { get; set; }
    [Parameter] public string? Class { get; set; }
    /// <summary>The <c>data-testid</c> of the combobox; the option list and the clear button get it with <c>-options</c> and <c>-clear</c>.</summary>
    [Parameter] public string? TestId { get; set; }

    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>The text of the value among the items; none for a value that is not one of them (null: no filter).</summary>
    private string? SelectedText { get; set; }

    private bool HasValue => SelectedText is not null;

    private string InputClass =>
        "tc-input tc-input-text tc-input-text-with-label tc-input-underline tc-typography-subtitle1 tc-select-input"
        + (HasValue || _open ? " tc-shrink" : "") + (_open ? " tc-select-open" : "");

    private const string SlotClass = "tc-input-slot tc-input-root tc-select-input";

    private string Expanded => _open ? "true" : "false";

    private string? ActiveId => _open && _active >= 0 ? OptionId(_active) : null;

    private string ListId => _id + "-list";

    private string OptionId(int index) => $"{_id}-{index}";

    private static bool Same(T a, T b) => EqualityComparer<T>.Default.Equals(a, b);

    private Task ToggleAsync() => _open ? CloseAsync() : OpenAsync();

    private async Task OpenAsync()
    {
        _options = [.. Items];
        // As MudSelect: the chosen option is the active one; with none chosen, none is until a key moves.
        _active = _options.FindIndex(o => Same(o.Value, Value));
        _open = true;
        _revealActive = true;
        await _combobox.FocusAsync();
    }

    private Task CloseAsync()
    {
        _open = false;
        _options = [];
        _active = -1;
        return Task.CompletedTask;
    }

    private async Task ChooseAsync(int index)
    {
        var value = _options[index].Value;
        await CloseAsync();
        if (!Same(value, Value))
        {
            await ValueChanged.InvokeAsync(value);
        }
    }

    private Task ClearAsync() => HasValue ? ValueChanged.InvokeAsync(default!) : Task.CompletedTask;

    protected override void OnParametersSet()
    {
        SelectedText = null;
        foreach (var (value, text) in Items)
        {
            if (Same(value, Value))
            {
                SelectedText = text;
                break;
            }
        }
    }

    /// <summary>
    /// The keys of a select: arrows, Home/End, Enter or Space choose; Escape and Tab close. Arrows and Space are kept from
    /// scrolling the page by a document-wide listener in console.js (a Blazor handler cannot cancel some keys and not others).
    /// </summary>
    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (!_open)
        {
            if (e.Key is "ArrowDown" or "ArrowUp" or "Enter" or " ")
            {
                await OpenAsync();
            }
            return;
        }
        switch (e.Key)
        {
            case "ArrowDown": Move(_active + 1); break;
            case "ArrowUp": Move(_active - 1); break;
            case "Home": Move(0); break;
            case "End": Move(_options.Count - 1); break;
            case "Enter" or " " when _active >= 0: await ChooseAsync(_active); break;
            case "Escape" or "Tab": await CloseAsync(); break;
        }
    }

    private void Move(int index)
    {
        _active = Math.Clamp(index, 0, _options.Count - 1);
        _revealActive = true;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_open && _revealActive && _active >= 0)
        {
            _revealActive = false;
            await JS.InvokeVoidAsync("tokenConsole.revealOption", OptionId(_active));
        }
    }
}
