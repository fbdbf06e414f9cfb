public enum ArptopCorePlaceholder {}
