using MudBlazor;

namespace Sankofa.Server.Portal;

/// <summary>
/// The portal's colours: MudBlazor's defaults darkened until text on them, and coloured text on white, meet WCAG AA
/// contrast (4.5:1), which the default blue, green and amber do not; axe checks every page against it.
/// </summary>
internal static class PortalTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1a4f8b",
            Secondary = "#6a1b9a",
            Info = "#0b5394",
            Success = "#1b5e20",
            Warning = "#7a4a00",
            Error = "#b3261e",
            AppbarBackground = "#1a4f8b",
        },
    };
}
