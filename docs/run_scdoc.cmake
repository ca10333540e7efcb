# cmake -DSCDOC=... -DINPUT=page.scd -DOUTPUT=page.8 -DEPOCH=seconds -P run_scdoc.cmake
# scdoc reads standard input and writes standard output; this runs it without a shell and
# never leaves a partial page behind (a failed run would otherwise look up to date).
set(ENV{SOURCE_DATE_EPOCH} ${EPOCH})
get_filename_component(directory ${OUTPUT} DIRECTORY)
file(MAKE_DIRECTORY ${directory})
execute_process(COMMAND ${SCDOC}
                INPUT_FILE ${INPUT}
                OUTPUT_FILE ${OUTPUT}.tmp
                ERROR_VARIABLE errors
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  file(REMOVE ${OUTPUT}.tmp)
  message(FATAL_ERROR "scdoc failed on ${INPUT}: ${errors}")
endif()
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
