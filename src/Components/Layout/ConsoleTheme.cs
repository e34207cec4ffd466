using MudBlazor;

namespace TokenConsole.Components.Layout;

/// <summary>The console's colours: an operator's blue with a teal accent; the same in every page.</summary>
public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fbf",
            Secondary = "#0f9d8a",
            AppbarBackground = "#173a6b",
            Background = "#f5f7fb",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#6ea8ff",
            Secondary = "#4fd1c0",
            AppbarBackground = "#111827",
            Background = "#0f141c",
            Surface = "#171e29",
            DrawerBackground = "#141a24",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Inter", "Segoe UI", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Roboto", "Helvetica", "Arial", "sans-serif"],
            },
        },
    };
}
