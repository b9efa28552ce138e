using System.Diagnostics;
using System.Text;
using System.Xml.Linq;
using ComponentSdk.Xml;
using DotNetty.Buffers;
using DotNetty.Transport.Channels.Embedded;

namespace ComponentSdk.Tests.Xml;

/// <summary>
/// Randomized inputs through the framer and codec, cut into random chunks: generated streams, mutations of them,
/// random bytes, splices of stanza fragments and structural extremes. Whatever arrives, the only failure is a typed
/// <see cref="StreamViolationException"/>; nothing comes out after it; the buffer never holds more than the stanza
/// limit plus one read; valid streams decode to exactly what was encoded; and no input hangs.
/// </summary>
[NonParallelizable]
public class FuzzTests
{
    private const int DefaultInputs = 100_000;
    private const string Header = "<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' id='f1'>";
    private static readonly byte[] HeaderBytes = Encoding.UTF8.GetBytes(Header);
    private static readonly byte[] FooterBytes = "</stream:stream>"u8.ToArray();
    private static readonly XmlLimits Small = new() { MaxStanzaBytes = 2048, MaxDepth = 12, MaxAttributes = 16 };
    private static readonly byte[] Interesting = "<>/&;'\"=!?#x: \r\n]-[\t"u8.ToArray();

    private enum Kind { Valid, Mutated, RandomBytes, Spliced, Extreme }

    [Test]
    public void HundredThousandInputsGiveTypedErrorsOrExactStanzasAndNeverHang()
    {
        int seed = Environment.GetEnvironmentVariable("FUZZ_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        int inputs = Environment.GetEnvironmentVariable("FUZZ_INPUTS") is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : DefaultInputs;
        TestContext.Out.WriteLine($"seed {seed} (set FUZZ_SEED to replay), {inputs} inputs (FUZZ_INPUTS for longer runs)");
        var run = new FuzzRun(seed);
        Task work = Task.Run(() => run.Execute(inputs));
        if (!work.Wait(TimeSpan.FromMinutes(3) + TimeSpan.FromMilliseconds(inputs / 10.0)))
            Assert.Fail($"Input #{run.Current} ({run.CurrentKind}) did not finish: a hang. Seed {seed}.");
        work.GetAwaiter().GetResult();

        TestContext.Out.WriteLine(run.Summary());
        Assert.That(run.Count, Is.EqualTo(inputs));
        foreach (Kind kind in Enum.GetValues<Kind>()) Assert.That(run.Inputs[(int)kind], Is.GreaterThan(inputs / 10), $"{kind} inputs were generated");
        Assert.That(run.Accepted, Is.GreaterThan(inputs / 4), "the inputs exercise acceptance");
        Assert.That(run.Rejected, Is.GreaterThan(inputs / 4), "the inputs exercise rejection");
        foreach (Type error in new[] { typeof(MalformedXmlException), typeof(RestrictedXmlException), typeof(StanzaTooLargeException), typeof(NestingTooDeepException), typeof(TooManyAttributesException) })
            Assert.That(run.Errors.GetValueOrDefault(error), Is.GreaterThan(0), $"some input raised {error.Name}");
        Assert.That(PeerNames.Count, Is.LessThanOrEqualTo(PeerNames.Capacity), "the names kept stay bounded whatever came in");
    }

    /// <summary>The run makes up names by the thousand; the tests after it start with the bound free again.</summary>
    [TearDown]
    public void ForgetTheNames() => PeerNames.Reset();

    private sealed class FuzzRun(int seed)
    {
        private readonly Random random = new(seed);
        private readonly StanzaGenerator generator = new(seed);
        private readonly EmbeddedChannel encoder = CreateEncoder();

        public int Count;
        public volatile int Current;
        public Kind CurrentKind;
        public readonly int[] Inputs = new int[Enum.GetValues<Kind>().Length];
        public int Accepted;
        public int Rejected;
        public readonly Dictionary<Type, int> Errors = [];
        public long MaxBuffered;

        public void Execute(int inputs)
        {
            for (int i = 0; i < inputs; i++)
            {
                Current = i;
                CurrentKind = (Kind)(i % Inputs.Length);
                Inputs[(int)CurrentKind]++;
                RunOne(i, CurrentKind);
                Count++;
            }
        }

        public string Summary() =>
            $"{Count} inputs: {Accepted} accepted, {Rejected} rejected ({string.Join(", ", Errors.Select(e => $"{e.Key.Name} {e.Value}"))}); " +
            $"largest buffer {MaxBuffered} bytes";

        private void RunOne(int index, Kind kind)
        {
            XmlLimits limits = kind == Kind.Extreme || random.Next(4) == 0 ? Small : XmlLimits.Default;
            List<XElement> sent = [];
            byte[] input = kind switch
            {
                Kind.Valid => ValidStream(sent),
                Kind.Mutated => generator.Mutate(ValidStream([])),
                Kind.RandomBytes => [.. HeaderBytes, .. RandomBytes(random.Next(1, 300))],
                Kind.Spliced => [.. HeaderBytes, .. Spliced()],
                _ => [.. HeaderBytes, .. Extreme(limits)],
            };

            using var pipeline = new XmlPipeline(limits);
            int offset = 0, produced = 0;
            while (offset < input.Length)
            {
                int chunk = Math.Min(input.Length - offset, random.Next(3) == 0 ? input.Length : random.Next(1, 64));
                Exception? before = pipeline.Error;
                pipeline.Write(Unpooled.CopiedBuffer(input, offset, chunk));
                offset += chunk;

                if (pipeline.Error is { } error && error is not StreamViolationException)
                    Fail(index, kind, input, $"an untyped {error.GetType().Name}: {error}");
                if (before is not null && pipeline.Output.Count != produced)
                    Fail(index, kind, input, "output after the stream was failed");
                produced = pipeline.Output.Count;
                long buffered = pipeline.Framer.BufferedBytes;
                MaxBuffered = Math.Max(MaxBuffered, buffered);
                if (buffered > limits.MaxStanzaBytes + chunk)
                    Fail(index, kind, input, $"{buffered} bytes buffered, above the {limits.MaxStanzaBytes}-byte limit plus one {chunk}-byte read");
            }

            if (pipeline.Error is { } failure)
            {
                Rejected++;
                Errors[failure.GetType()] = Errors.GetValueOrDefault(failure.GetType()) + 1;
                if (kind == Kind.Valid && limits == XmlLimits.Default) Fail(index, kind, input, $"a valid stream was rejected: {failure.Message}");
                return;
            }
            Accepted++;
            if (kind != Kind.Valid) return;
            List<XElement> decoded = [.. pipeline.Stanzas];
            if (limits != XmlLimits.Default && decoded.Count != sent.Count) return; // a stanza past the small limit ended it
            if (decoded.Count != sent.Count) Fail(index, kind, input, $"{sent.Count} stanzas sent, {decoded.Count} decoded");
            for (int k = 0; k < sent.Count; k++)
            {
                if (!XNode.DeepEquals(sent[k], decoded[k])) Fail(index, kind, input, $"stanza {k} decoded as {decoded[k]}, sent {sent[k]}");
            }
        }

        private byte[] ValidStream(List<XElement> sent)
        {
            var bytes = new List<byte>(HeaderBytes);
            int stanzas = random.Next(1, 5);
            for (int k = 0; k < stanzas; k++)
            {
                XElement stanza = generator.Stanza();
                sent.Add(stanza);
                bytes.AddRange(Encode(stanza));
                if (random.Next(3) == 0) bytes.AddRange(" \n"u8.ToArray());
            }
            if (random.Next(2) == 0) bytes.AddRange(FooterBytes);
            return [.. bytes];
        }

        private byte[] RandomBytes(int length)
        {
            var bytes = new byte[length];
            for (int i = 0; i < length; i++) bytes[i] = random.Next(3) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];
            return bytes;
        }

        /// <summary>Pieces of encoded stanzas joined at random cut points: plausible markup in implausible order.</summary>
        private byte[] Spliced()
        {
            var bytes = new List<byte>();
            int pieces = random.Next(2, 6);
            for (int k = 0; k < pieces; k++)
            {
                byte[] stanza = Encode(generator.Stanza());
                int from = random.Next(stanza.Length), length = random.Next(1, stanza.Length - from + 1);
                bytes.AddRange(stanza.AsSpan(from, length).ToArray());
            }
            return [.. bytes];
        }

        /// <summary>Deep nesting, long names, many attributes, huge text: around and beyond the limits.</summary>
        private byte[] Extreme(XmlLimits limits)
        {
            var text = new StringBuilder();
            switch (random.Next(6))
            {
                case 0:
                    int depth = random.Next(1, limits.MaxDepth * 3);
                    text.Append("<message>");
                    for (int d = 0; d < depth; d++) text.Append("<a>");
                    for (int d = 0; d < depth; d++) text.Append("</a>");
                    text.Append("</message>");
                    break;
                case 1:
                    text.Append("<message><body>").Append('x', random.Next(limits.MaxStanzaBytes / 2, limits.MaxStanzaBytes * 2)).Append("</body></message>");
                    break;
                case 2:
                    string name = new('n', random.Next(1, limits.MaxStanzaBytes * 2));
                    text.Append('<').Append(name).Append("/>");
                    break;
                case 3:
                    // An attribute flood on one element: refused before its names are made.
                    text.Append("<message");
                    int attributes = random.Next(1, 400);
                    for (int a = 0; a < attributes; a++) text.Append(" a").Append(a).Append(random.Next()).Append("='").Append(a).Append('\'');
                    text.Append("/>");
                    break;
                case 4:
                    // A namespace flood: a declaration and a new namespace per element.
                    text.Append("<message>");
                    int namespaces = random.Next(1, 300);
                    for (int n = 0; n < namespaces; n++) text.Append("<p").Append(n).Append(":x xmlns:p").Append(n).Append("='urn:flood:").Append(random.Next()).Append("'/>");
                    text.Append("</message>");
                    break;
                default:
                    // Made-up names spread over elements under the attribute limit.
                    text.Append("<message>");
                    int elements = random.Next(1, 40);
                    for (int e = 0; e < elements; e++)
                    {
                        text.Append("<e").Append(random.Next());
                        for (int a = 0; a < 20; a++) text.Append(" n").Append(random.Next()).Append("=''");
                        text.Append("/>");
                    }
                    text.Append("</message>");
                    break;
            }
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        private byte[] Encode(XElement stanza)
        {
            encoder.WriteOutbound(stanza);
            var bytes = new List<byte>();
            while (encoder.ReadOutbound<IByteBuffer>() is { } buffer)
            {
                var chunk = new byte[buffer.ReadableBytes];
                buffer.ReadBytes(chunk);
                buffer.Release();
                bytes.AddRange(chunk);
            }
            return [.. bytes];
        }

        private static EmbeddedChannel CreateEncoder()
        {
            var channel = new EmbeddedChannel(new XmlStanzaCodec());
            channel.WriteOutbound(new StreamHeader { To = "echo.localhost", DefaultNamespace = Namespaces.ComponentAccept });
            while (channel.ReadOutbound<IByteBuffer>() is { } header) header.Release();
            return channel;
        }

        [StackTraceHidden]
        private void Fail(int index, Kind kind, byte[] input, string what)
        {
            string shown = Encoding.UTF8.GetString(input);
            if (shown.Length > 600) shown = shown[..600] + $"... ({input.Length} bytes)";
            Assert.Fail($"Input #{index} ({kind}, seed {seed}): {what}\n{shown}");
        }
    }
}
