using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using FluentAssertions;

namespace DaprPlatform.TestSupport;

/// <summary>
/// Looks at a PDF the way a reader would, with Debian's poppler-utils: <c>pdftoppm</c> renders a page to PNG, <c>pdftotext</c>
/// extracts its text. The PNG is read here (8-bit grey/RGB/RGBA, not interlaced: what pdftoppm writes) so a test can count
/// the pixels that are not white without an imaging library.
/// </summary>
public static class PdfFiles
{
    /// <summary>Page 1 rendered at 50 dpi (<c>pdftoppm -png -r 50 -f 1 -l 1</c>).</summary>
    public static Task<byte[]> RenderFirstPageAsync(byte[] pdf) =>
        RunAsync("pdftoppm", pdf, (input, dir) => $"-png -r 50 -f 1 -l 1 \"{input}\" \"{Path.Combine(dir, "page")}\"", "page");

    /// <summary>The document's text (<c>pdftotext -layout</c>).</summary>
    public static async Task<string> TextAsync(byte[] pdf) =>
        Encoding.UTF8.GetString(await RunAsync("pdftotext", pdf, (input, dir) => $"-layout \"{input}\" \"{Path.Combine(dir, "text.txt")}\"", "text"));

    /// <summary>Pixels of the PNG with any channel below 240 (not white or near-white).</summary>
    public static int NonWhitePixels(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        var (width, height, channels, pixels) = DecodePng(png);
        var count = 0;
        for (var i = 0; i < width * height; i++)
        {
            var colour = Math.Min(channels, 3);
            for (var c = 0; c < colour; c++)
            {
                if (pixels[(i * channels) + c] < 240) { count++; break; }
            }
        }

        return count;
    }

    private static (int Width, int Height, int Channels, byte[] Pixels) DecodePng(byte[] png)
    {
        png.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }).Should().BeTrue("pdftoppm wrote a PNG");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                data[8].Should().Be(8, "8 bits per channel");
                channels = data[9] switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => throw new NotSupportedException($"PNG colour type {data[9]}") };
                data[12].Should().Be(0, "not interlaced");
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) { zlib.CopyTo(inflated); }
        var raw = inflated.ToArray();
        var stride = width * channels;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                int a = x >= channels ? pixels[(y * stride) + x - channels] : 0;
                int b = y > 0 ? pixels[((y - 1) * stride) + x] : 0;
                int c = x >= channels && y > 0 ? pixels[((y - 1) * stride) + x - channels] : 0;
                var value = raw[(y * (stride + 1)) + 1 + x];
                pixels[(y * stride) + x] = (byte)(value + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new NotSupportedException($"PNG filter {filter}"),
                });
            }
        }

        return (width, height, channels, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static async Task<byte[]> RunAsync(string tool, byte[] pdf, Func<string, string, string> arguments, string outputPrefix)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var dir = Directory.CreateTempSubdirectory("pdf-files-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.pdf");
            await File.WriteAllBytesAsync(input, pdf);
            using var process = Process.Start(new ProcessStartInfo(tool, arguments(input, dir.FullName)) { RedirectStandardError = true, UseShellExecute = false })!;
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.Should().Be(0, $"{tool} reads the PDF: {errors}");
            return await File.ReadAllBytesAsync(Directory.GetFiles(dir.FullName, outputPrefix + "*").Single());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
