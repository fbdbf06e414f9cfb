public enum ArptopUIPlaceholder {}
