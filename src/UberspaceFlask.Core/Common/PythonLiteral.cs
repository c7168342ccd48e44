using System.Text;

namespace UberspaceFlask.Core
{
    public static class PythonLiteral
    {
        /// <summary>A double-quoted Python str literal holding exactly the given text; nothing in it can end the string.</summary>
        public static string String(string value)
        {
            var sb = new StringBuilder("\"");
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                // A surrogate pair is one character beyond the BMP (an emoji): Python wants it as one \U escape, since
                // two \u escapes would make two lone surrogates that cannot be encoded when the page is rendered.
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    sb.Append("\\U").Append(char.ConvertToUtf32(c, value[i + 1]).ToString("x8"));
                    i++;
                    continue;
                }
                switch (c)
                {
                    case '\\': sb.Append("\\\\"); break;
                    case '"': sb.Append("\\\""); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c == 0x7f || char.IsSurrogate(c) || c == '\u2028' || c == '\u2029')
                            sb.Append("\\u").Append(((int)c).ToString("x4"));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.Append('"').ToString();
        }
    }
}
