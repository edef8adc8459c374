using System.Security.Cryptography;
using System.Text;

namespace Alchemist;

/// <summary>
/// The file format of a saved <see cref="LogisticRegressionEndModel{TItem}"/> model: everything prediction needs (the
/// featurization options, the hashed columns with their inverse document frequencies, the embedding dimension and
/// scale, the weights and intercepts) and the training report, little-endian, followed by a SHA-256 of all of it.
/// </summary>
/// <remarks>
/// Layout, version 1: the 8 ASCII bytes <c>ALCHEMLR</c>; int32 version; int32 hash bits, word n-gram min and max,
/// character n-gram min and max; bool sublinear term frequency, normalize digits, mark text start; float32 embedding
/// scale; int32 class count, hashed column count, embedding dimension; per hashed column an int32 bucket, then per hashed
/// column a float32 inverse document frequency; (columns x classes) float64 weights and (classes) float64 intercepts;
/// the report (int32 items, int32 features, int32 iterations, bool converged, float64 objective, int64 elapsed ticks);
/// 32 bytes of SHA-256 over everything before them.
/// </remarks>
internal static class LogisticRegressionModelFile
{
    /// <summary>The version this library writes and reads.</summary>
    public const int Version = 1;

    private static readonly byte[] Magic = "ALCHEMLR"u8.ToArray();

    /// <summary>The parts of a saved model.</summary>
    public sealed record Contents(
        LogisticRegressionEndModelOptions Featurization,
        TextFeatureSpace Space,
        int ClassCount,
        double[] Parameters,
        EndModelTrainingReport Report);

    public static byte[] Write<TItem>(TrainedLogisticRegression<TItem> model)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            LogisticRegressionEndModelOptions o = model.Options;
            TextFeatureSpace space = model.Space;
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(space.HashBits);
            writer.Write(o.WordNgramMin);
            writer.Write(o.WordNgramMax);
            writer.Write(o.CharNgramMin);
            writer.Write(o.CharNgramMax);
            writer.Write(o.SublinearTermFrequency);
            writer.Write(o.NormalizeDigits);
            writer.Write(o.MarkTextStart);
            writer.Write(space.EmbeddingScale);
            writer.Write(model.ClassCount);
            writer.Write(space.HashedCount);
            writer.Write(space.EmbeddingDimension);
            foreach (int bucket in space.BucketsOfColumns())
            {
                writer.Write(bucket);
            }

            foreach (float idf in space.Idf)
            {
                writer.Write(idf);
            }

            foreach (double weight in model.Weights)
            {
                writer.Write(weight);
            }

            foreach (double intercept in model.Intercepts)
            {
                writer.Write(intercept);
            }

            EndModelTrainingReport report = model.TrainingReport;
            writer.Write(report.ItemCount);
            writer.Write(report.FeatureCount);
            writer.Write(report.Iterations);
            writer.Write(report.Converged);
            writer.Write(report.Objective);
            writer.Write(report.Elapsed.Ticks);
        }

        byte[] hash = SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        buffer.Write(hash);
        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The bytes are not a model file of this version, are cut short, or were changed.</exception>
    public static Contents Read(byte[] bytes, LogisticRegressionEndModelOptions runtime)
    {
        if (bytes.Length < Magic.Length + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("This is not a saved logistic-regression end model: it does not start with 'ALCHEMLR'.");
        }

        int version = BitConverter.ToInt32(bytes, Magic.Length);
        if (version != Version)
        {
            throw new InvalidDataException($"The model file is format version {version}; this library reads version {Version}.");
        }

        const int HashLength = 32;
        if (bytes.Length < Magic.Length + 4 + HashLength ||
            !SHA256.HashData(bytes.AsSpan(0, bytes.Length - HashLength)).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashLength)))
        {
            throw new InvalidDataException("The model file is cut short or was changed: its SHA-256 does not match its contents.");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length + 4, bytes.Length - Magic.Length - 4 - HashLength, writable: false));
        try
        {
            int hashBits = reader.ReadInt32();
            LogisticRegressionEndModelOptions featurization = runtime.Snapshot();
            featurization.HashBits = hashBits;
            featurization.WordNgramMin = reader.ReadInt32();
            featurization.WordNgramMax = reader.ReadInt32();
            featurization.CharNgramMin = reader.ReadInt32();
            featurization.CharNgramMax = reader.ReadInt32();
            featurization.SublinearTermFrequency = reader.ReadBoolean();
            featurization.NormalizeDigits = reader.ReadBoolean();
            featurization.MarkTextStart = reader.ReadBoolean();
            float embeddingScale = reader.ReadSingle();
            featurization.EmbeddingScale = embeddingScale;
            Microsoft.Extensions.Options.ValidateOptionsResult valid = new LogisticRegressionEndModelOptionsValidator().Validate(null, featurization);
            if (valid.Failed)
            {
                throw new InvalidDataException($"The model file's featurization options are invalid: {valid.FailureMessage}");
            }

            int classCount = reader.ReadInt32();
            int hashedCount = reader.ReadInt32();
            int embeddingDimension = reader.ReadInt32();
            long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
            long columns = (long)hashedCount + embeddingDimension;
            if (classCount < 2 || classCount > Label.MaxClassCount || hashedCount < 0 || embeddingDimension < 0 || columns == 0 ||
                (hashedCount * 8L) + (columns * classCount * 8L) + (classCount * 8L) > remaining)
            {
                throw new InvalidDataException($"The model file's sizes are inconsistent: {classCount} classes, {hashedCount} hashed columns, {embeddingDimension} embedding dimensions, {remaining} bytes left.");
            }

            var buckets = new int[hashedCount];
            for (int c = 0; c < hashedCount; c++)
            {
                buckets[c] = reader.ReadInt32();
            }

            var idf = new float[hashedCount];
            for (int c = 0; c < hashedCount; c++)
            {
                idf[c] = reader.ReadSingle();
            }

            var parameters = new double[(columns * classCount) + classCount];
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = reader.ReadDouble();
            }

            var report = new EndModelTrainingReport
            {
                ModelName = LogisticRegressionEndModel<object>.ModelName,
                ItemCount = reader.ReadInt32(),
                FeatureCount = reader.ReadInt32(),
                Iterations = reader.ReadInt32(),
                Converged = reader.ReadBoolean(),
                Objective = reader.ReadDouble(),
                Elapsed = TimeSpan.FromTicks(reader.ReadInt64()),
            };
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException("The model file has bytes after the model.");
            }

            TextFeatureSpace space = TextFeatureSpace.FromColumns(hashBits, buckets, idf, embeddingDimension, embeddingScale);
            return new Contents(featurization, space, classCount, parameters, report);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The model file ends before the model does.", ex);
        }
    }
}
