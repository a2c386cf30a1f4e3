package com.outageimpact.common;

/**
 * A whole input cannot be used (missing path, wrong columns, corrupt file, invalid graph). The
 * message names the input, the file and the problem; the job stops before publishing anything.
 */
public class InputException extends RuntimeException {

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
