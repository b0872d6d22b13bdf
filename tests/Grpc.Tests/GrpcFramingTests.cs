using DaprPlatform.Grpc.TaskHub;

namespace DaprPlatform.Grpc.Tests;

public sealed class GrpcFramingTests
{
    [Fact]
    public void Frame_is_flag_zero_then_big_endian_length_then_message()
    {
        var message = new CreateInstanceResponse { InstanceId = "abc" };

        var frame = GrpcFrames.Frame(message);

        frame[0].Should().Be(0);
        frame.AsSpan(1, 4).ToArray().Should().Equal(0, 0, 0, (byte)message.CalculateSize());
        CreateInstanceResponse.Parser.ParseFrom(frame.AsSpan(5)).Should().Be(message);
    }

    [Fact]
    public async Task Frames_read_back_in_order_and_a_clean_end_reads_as_null()
    {
        using var stream = new MemoryStream([.. GrpcFrames.Frame(new RaiseEventRequest { Name = "a" }), .. GrpcFrames.Frame(new RaiseEventRequest { Name = "b" })]);

        (await GrpcFrames.ReadAsync(stream, RaiseEventRequest.Parser, 1024, default))!.Name.Should().Be("a");
        (await GrpcFrames.ReadAsync(stream, RaiseEventRequest.Parser, 1024, default))!.Name.Should().Be("b");
        (await GrpcFrames.ReadAsync(stream, RaiseEventRequest.Parser, 1024, default)).Should().BeNull();
    }

    public static TheoryData<string, byte[], GrpcStatusCode> BrokenFrames => new()
    {
        { "header cut short", [0, 0, 0], GrpcStatusCode.Internal },
        { "message cut short", [0, 0, 0, 0, 9, 10, 1], GrpcStatusCode.Internal },
        { "compressed flag", [1, 0, 0, 0, 0], GrpcStatusCode.Unimplemented },
        { "invalid flag", [7, 0, 0, 0, 0], GrpcStatusCode.Internal },
        { "over the size limit", [0, 0, 0, 4, 1], GrpcStatusCode.ResourceExhausted },
        { "bytes that are not the message", [0, 0, 0, 0, 2, 0xFF, 0xFF], GrpcStatusCode.Internal },
    };

    [Theory]
    [MemberData(nameof(BrokenFrames))]
    public async Task Broken_frames_end_the_call_with_the_status_gRPC_assigns(string why, byte[] bytes, GrpcStatusCode expected)
    {
        using var stream = new MemoryStream(bytes);

        var act = async () => await GrpcFrames.ReadAsync(stream, RaiseEventRequest.Parser, 1024, default);

        (await act.Should().ThrowAsync<GrpcCallException>(why)).Which.Status.Should().Be(expected);
    }

    [Theory]
    [InlineData(300, "300000u")]
    [InlineData(150_000, "150000m")]
    [InlineData(3_600_000 * 30, "108000S")]
    public void Timeouts_use_the_finest_unit_that_fits_eight_digits(long milliseconds, string expected) =>
        GrpcMetadata.FormatTimeout(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(expected);

    [Theory]
    [InlineData("1H", 3_600_000)]
    [InlineData("2M", 120_000)]
    [InlineData("5S", 5_000)]
    [InlineData("250m", 250)]
    [InlineData("1500u", 1.5)]
    [InlineData("2000000n", 2)]
    public void Timeout_header_units_parse(string header, double milliseconds)
    {
        GrpcMetadata.TryParseTimeout(header, out var timeout).Should().BeTrue();
        timeout.TotalMilliseconds.Should().Be(milliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("m")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    [InlineData("5s")]
    public void Malformed_timeouts_are_not_timeouts(string header) =>
        GrpcMetadata.TryParseTimeout(header, out _).Should().BeFalse();

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("50% done", "50%25 done")]
    [InlineData("naïve\n", "na%C3%AFve%0A")]
    public void Grpc_message_is_percent_encoded_utf8(string text, string wire)
    {
        GrpcMetadata.EncodeMessage(text).Should().Be(wire);
        GrpcMetadata.DecodeMessage(wire).Should().Be(text);
    }

    [Fact]
    public void A_malformed_escape_in_grpc_message_is_kept_as_written() =>
        GrpcMetadata.DecodeMessage("bad %G1 escape %").Should().Be("bad %G1 escape %");
}
