use super::Field;

/// One problem with one field of a command, with a stable machine code and a sentence for
/// people. The field is the command's (`Field`); each face spells it its own way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: Field,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, code: &str, message: impl Into<String>) -> Self {
        Self {
            field,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    pub fn required(field: Field, label: &str) -> Self {
        Self::new(field, "REQUIRED", format!("{label} is required"))
    }
}

/// Every field problem of one request, gathered so a form can show them all at once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Keeps the parsed value, or records the error and gives `None`.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(error);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    pub fn for_field(&self, field: Field) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }

    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}
